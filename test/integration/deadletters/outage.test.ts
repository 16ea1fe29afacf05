import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  startKafka,
  startRedis,
  type KafkaCluster,
  type RedisServer,
} from '../../../sandbox/servers';
import type { ReplayJob } from '@shared/contract';
import { createEnvironment, finished, startCore, waitForJob, type TestCore } from './harness';
import { header, kafkaClient, produce, readAll } from './kafkaSupport';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

function jobEvents(t: TestCore, jobId: string): ReplayJob[] {
  return t.events
    .filter((e) => e.event === 'deadletters.job' && (e.payload as ReplayJob).id === jobId)
    .map((e) => e.payload as ReplayJob);
}

describe('a server going away mid-job', () => {
  it('Redis killed: the job pauses with the cause, resumes when Redis is back, nothing lost or doubled', async () => {
    const server: RedisServer = await startRedis({ appendOnly: true });
    cleanups.push(server.stop);
    const redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    await redis.connect();
    const TOTAL = 20_000;
    for (let i = 0; i < TOTAL; i += 5000) {
      await redis.lpush(
        'write_queue:dead',
        ...Array.from({ length: 5000 }, (_, k) =>
          JSON.stringify({
            id: `w-${i + k}`,
            payload: { id: `w-${i + k}` },
            error_class: 'E',
            source_queue: 'write_queue',
          }),
        ),
      );
    }
    redis.disconnect();
    const t = await startCore();
    cleanups.push(t.cleanup);
    const environmentId = await createEnvironment(t, { redisUrl: server.url });
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'writes', settings: { kind: 'redis', key: 'write_queue:dead' } },
    });
    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
      ratePerSecond: 4000,
    });
    await waitForJob(t, job.id, (j) => j.moved >= 3000);
    await server.kill();
    const paused = await waitForJob(t, job.id, (j) => j.status === 'PAUSED', 20_000);
    expect(paused.cause).toMatch(/^Redis unavailable: /);
    expect(
      jobEvents(t, job.id).some((e) => e.status === 'PAUSED' && e.cause === paused.cause),
    ).toBe(true);
    // While Redis is down nothing moves.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await t.call('deadletters.jobs.get', { jobId: job.id })).toMatchObject({
      status: 'PAUSED',
      moved: paused.moved,
    });

    await server.restart();
    const done = await waitForJob(t, job.id, finished, 60_000);
    expect(done).toMatchObject({ status: 'COMPLETED', failed: 0, cause: null });
    expect(jobEvents(t, job.id).some((e) => e.status === 'RUNNING' && e.moved > paused.moved)).toBe(
      true,
    );

    const check = new Redis(server.url, { lazyConnect: true });
    await check.connect();
    const dead = await check.lrange('write_queue:dead', 0, -1);
    const queued = await check.lrange('write_queue', 0, -1);
    check.disconnect();
    // Exactly once each, dead or delivered. (Redis may lose its last second of writes to a
    // SIGKILL even with appendonly; each move is one script, so it is lost whole if at all.)
    const ids = [
      ...dead.map((e) => (JSON.parse(e) as { id: string }).id),
      ...queued.map((e) => (JSON.parse(e) as { id: string }).id),
    ];
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);
    expect(queued.length).toBeGreaterThan(TOTAL - 5000);
  }, 180_000);

  it('Kafka broker down: the job pauses with the cause and resumes when the broker is back', async () => {
    const cluster: KafkaCluster = await startKafka({
      topics: [
        { name: 'sync.dlq', partitions: 4 },
        { name: 'sync', partitions: 4 },
      ],
    });
    cleanups.push(cluster.stop);
    const kafka = kafkaClient(cluster.brokers);
    const TOTAL = 20_000;
    await produce(
      kafka,
      'sync.dlq',
      Array.from({ length: TOTAL }, (_, i) => ({
        key: `doc-${i}`,
        value: `{"id":"doc-${i}"}`,
        headers: { '__connect.errors.topic': 'sync', '__connect.errors.exception.class.name': 'E' },
      })),
    );
    const t = await startCore();
    cleanups.push(t.cleanup);
    const environmentId = await createEnvironment(t, { brokers: cluster.brokers });
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'sync dlq', settings: { kind: 'kafka', topic: 'sync.dlq' } },
    });
    await t.call('deadletters.refreshIndex', { sourceId: source.id });
    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
      ratePerSecond: 3000,
    });
    await waitForJob(t, job.id, (j) => j.moved >= 3000);
    await cluster.brokerDown(1);
    const paused = await waitForJob(t, job.id, (j) => j.status === 'PAUSED', 60_000);
    expect(paused.cause).toMatch(/^Kafka unavailable: /);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await t.call('deadletters.jobs.get', { jobId: job.id })).toMatchObject({
      status: 'PAUSED',
      moved: paused.moved,
    });

    await cluster.brokerUp(1);
    const done = await waitForJob(t, job.id, finished, 120_000);
    expect(done).toMatchObject({ status: 'COMPLETED', moved: TOTAL, failed: 0 });

    const replayed = await readAll(kafka, 'sync');
    const byOrigin = new Map<string, Set<string>>();
    for (const message of replayed) {
      const origin = header(message, 'x-sluice-origin')!;
      const ids = byOrigin.get(origin) ?? new Set<string>();
      ids.add(header(message, 'x-sluice-replay-id')!);
      byOrigin.set(origin, ids);
    }
    expect(byOrigin.size).toBe(TOTAL);
    expect([...byOrigin.values()].every((ids) => ids.size === 1)).toBe(true);
  }, 240_000);
});
