import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaCluster } from '../../../sandbox/servers';
import { makeTempDir } from '../../support/tempDir';
import { runReplayProcess } from './childProcess';
import { createEnvironment, startCore } from './harness';
import { header, kafkaClient, produce, readAll } from './kafkaSupport';

const TOTAL = 100_000;
let cluster: KafkaCluster;
const temp = makeTempDir('sluice-dl-crash-kafka-');

beforeAll(async () => {
  cluster = await startKafka({
    topics: [
      // Twelve partitions, as a busy DLQ topic would have.
      { name: 'job-es-sync.dlq', partitions: 12 },
      { name: 'job-es-sync', partitions: 12 },
    ],
  });
});

afterAll(async () => {
  await cluster?.stop();
  temp.cleanup();
});

describe('a Kafka replay survives SIGKILL of the process running it', () => {
  it('resumes after a restart; every record is delivered at least once, a duplicate with the same replay id', async () => {
    const kafka = kafkaClient(cluster.brokers);
    await produce(
      kafka,
      'job-es-sync.dlq',
      Array.from({ length: TOTAL }, (_, i) => ({
        key: `doc-${i}`,
        value: JSON.stringify({ id: `doc-${i}`, version: 1 }),
        headers: {
          '__connect.errors.topic': 'job-es-sync',
          '__connect.errors.partition': String(i % 3),
          '__connect.errors.offset': String(i),
          '__connect.errors.exception.class.name': 'MappingException',
          '__connect.errors.exception.message': 'price is not a number',
        },
      })),
    );
    const admin = kafka.admin();
    await admin.connect();
    const dlqOffsets = await admin.fetchTopicOffsets('job-es-sync.dlq');
    await admin.disconnect();
    expect(dlqOffsets.every((p) => p.low === '0')).toBe(true);
    const setup = await startCore(temp.dir);
    const environmentId = await createEnvironment(setup, { brokers: cluster.brokers });
    const source = await setup.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'sync dlq', settings: { kind: 'kafka', topic: 'job-es-sync.dlq' } },
    });
    const indexed = await setup.call('deadletters.refreshIndex', { sourceId: source.id });
    expect(indexed, JSON.stringify(indexed)).toMatchObject({ state: 'fresh' });
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

    const second = runReplayProcess(temp.dir, 'resume');
    const done = await second.done;
    await second.exited;
    expect(done).toMatchObject({ id: jobId, status: 'COMPLETED', moved: TOTAL, failed: 0 });

    const replayed = await readAll(kafka, 'job-es-sync');
    expect(replayed.length).toBeGreaterThanOrEqual(TOTAL);
    const replayIds = new Map<string, Set<string>>();
    for (const message of replayed) {
      const origin = header(message, 'x-sluice-origin')!;
      const replayId = header(message, 'x-sluice-replay-id')!;
      expect(replayId.startsWith(`${jobId}:`)).toBe(true);
      const ids = replayIds.get(origin) ?? new Set<string>();
      ids.add(replayId);
      replayIds.set(origin, ids);
    }
    // Every DLQ record arrived, and copies of one record carry one replay id.
    expect(replayIds.size).toBe(TOTAL);
    expect([...replayIds.values()].every((ids) => ids.size === 1)).toBe(true);
    const duplicates = replayed.length - TOTAL;
    // Only what was in flight at the kill may come twice.
    expect(duplicates).toBeLessThanOrEqual(1000);

    const check = await startCore(temp.dir);
    const stats = await check.call('deadletters.sources.stats', { environmentId });
    expect(stats[0]).toMatchObject({ count: 0 });
    await check.cleanup();
  }, 300_000);
});
