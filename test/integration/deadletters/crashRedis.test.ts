import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../sandbox/servers';
import { runReplayProcess } from './childProcess';
import { createEnvironment, startCore } from './harness';
import { makeTempDir } from '../../support/tempDir';

const TOTAL = 100_000;
let server: RedisServer;
let redis: Redis;
const temp = makeTempDir('sluice-dl-crash-redis-');

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { lazyConnect: true });
  await redis.connect();
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
  temp.cleanup();
});

function envelope(i: number): string {
  return JSON.stringify({
    id: `w-${i}`,
    payload: { id: `w-${i}`, key: `doc-${i % 5000}`, value: { n: i, text: 'lorem ipsum dolor' } },
    error_class: i % 10 === 0 ? 'DocumentTooLarge' : 'SchemaViolation',
    error_message: `entry ${i} failed`,
    attempts: 3,
    first_failed_at: '2024-05-01T10:00:00.000Z',
    last_failed_at: '2024-05-01T10:05:00.000Z',
    source_queue: 'write_queue',
  });
}

describe('a Redis replay survives SIGKILL of the process running it', () => {
  it('resumes after a restart; every entry ends exactly once, dead or delivered', async () => {
    for (let i = 0; i < TOTAL; i += 10_000) {
      const chunk = Array.from({ length: 10_000 }, (_, k) => envelope(i + k));
      await redis.lpush('write_queue:dead', ...chunk);
    }
    const setup = await startCore(temp.dir);
    const environmentId = await createEnvironment(setup, { redisUrl: server.url });
    const source = await setup.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'writes', settings: { kind: 'redis', key: 'write_queue:dead' } },
    });
    await setup.close();

    const first = runReplayProcess(temp.dir, 'start', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
      ratePerSecond: 25_000,
    });
    const jobId = await first.jobId;
    const before = await first.movedAtLeast(30_000);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(before.moved).toBeLessThan(TOTAL);

    // Nothing runs now: what moved, moved; the rest is still dead.
    const deadAfterKill = await redis.llen('write_queue:dead');
    const queuedAfterKill = await redis.llen('write_queue');
    expect(deadAfterKill + queuedAfterKill).toBe(TOTAL);
    expect(queuedAfterKill).toBeGreaterThanOrEqual(before.moved);

    const second = runReplayProcess(temp.dir, 'resume');
    const done = await second.done;
    expect(done).toMatchObject({
      id: jobId,
      status: 'COMPLETED',
      moved: TOTAL,
      skipped: 0,
      failed: 0,
    });
    await second.exited;

    expect(await redis.llen('write_queue:dead')).toBe(0);
    const delivered = await redis.lrange('write_queue', 0, -1);
    expect(delivered).toHaveLength(TOTAL);
    const seen = new Set<string>();
    for (const element of delivered) {
      const write = JSON.parse(element) as { id: string; 'x-sluice-replay-id': string };
      expect(seen.has(write.id)).toBe(false);
      seen.add(write.id);
      expect(write['x-sluice-replay-id'].startsWith(`${jobId}:`)).toBe(true);
    }
    expect(seen.size).toBe(TOTAL);
    // The job's marker hash is gone once the job ended.
    expect(await redis.exists(`sluice:replay:${jobId}`)).toBe(0);
  }, 300_000);
});
