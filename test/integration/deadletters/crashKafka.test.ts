import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { startKafka, type KafkaCluster } from '../../../sandbox/servers';
import { IDEMPOTENT_DELIVERY } from '../../../src-main/core/deadletters/sources/kafkaSource';
import { makeTempDir } from '../../support/tempDir';
import { runReplayProcess, type ReplayProcess } from './childProcess';
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

/** The producer id of the record batch a message came in (-1: not an idempotent producer). */
function producerIdOf(message: KafkaMessage): string | null {
  // kafkajs decodes each record with its batch's header but leaves it out of its types.
  const context = (message as KafkaMessage & { batchContext?: { producerId?: unknown } })
    .batchContext;
  return typeof context?.producerId === 'string' ? context.producerId : null;
}

/** `work`, or a failure naming what the child process was doing when `ms` ran out. */
async function within<T>(work: Promise<T>, ms: number, child: ReplayProcess): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `no progress in ${ms} ms; last job event ${JSON.stringify(child.latest())}; ` +
              `stderr: ${child.stderr()}`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

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

    const started = Date.now();
    const first = runReplayProcess(temp.dir, 'start', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
      ratePerSecond: 25_000,
    });
    const jobId = await within(first.jobId, 120_000, first);
    const before = await within(first.movedAtLeast(30_000), 120_000, first);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(before.moved).toBeLessThan(TOTAL);

    const firstMs = Date.now() - started;
    const resumed = Date.now();
    const second = runReplayProcess(temp.dir, 'resume');
    const done = await within(second.done, 120_000, second);
    await second.exited;
    const resumeMs = Date.now() - resumed;
    expect(done).toMatchObject({ id: jobId, status: 'COMPLETED', moved: TOTAL, failed: 0 });
    // Real Kafka names a controller broker, so the replay takes the idempotent producer.
    expect(done.delivery).toBe(IDEMPOTENT_DELIVERY);

    const replayed = await readAll(kafka, 'job-es-sync');
    expect(replayed.length).toBeGreaterThanOrEqual(TOTAL);
    const replayIds = new Map<string, Set<string>>();
    const producerIds = new Set<string>();
    for (const message of replayed) {
      producerIds.add(producerIdOf(message) ?? 'unknown');
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
    console.log(
      `crash (SIGKILL at ${before.moved} moved, ${firstMs} ms in): ${TOTAL} records, ` +
        `${duplicates} duplicates; resumed run ${resumeMs} ms; producer ids ${[...producerIds].join(',')}`,
    );
    // Only what was in flight at the kill may come twice.
    expect(duplicates).toBeLessThanOrEqual(1000);
    // Every record was written with a producer id, i.e. by an idempotent producer (plain
    // producers write -1), one per process at least: the restarted process cannot reuse the
    // killed one's, so the brokers cannot drop what it sends again.
    expect(
      [...producerIds].every((id) => /^\d+$/.test(id)),
      [...producerIds].join(','),
    ).toBe(true);
    expect(producerIds.size).toBeGreaterThanOrEqual(2);

    const check = await startCore(temp.dir);
    const stats = await check.call('deadletters.sources.stats', { environmentId });
    expect(stats[0]).toMatchObject({ count: 0 });
    await check.cleanup();
  }, 300_000);
});
