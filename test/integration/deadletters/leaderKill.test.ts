import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type ApacheKafkaCluster } from '../../../sandbox/servers';
import { IDEMPOTENT_DELIVERY } from '../../../src-main/core/deadletters/sources/kafkaSource';
import type { ReplayJob } from '@shared/contract';
import { createEnvironment, finished, startCore, waitForJob, type TestCore } from './harness';
import { header, kafkaClient, produce, readAll } from './kafkaSupport';

const TOTAL = 100_000;
const DLQ = 'job-es-sync.dlq';
const TARGET = 'job-es-sync';
const PARTITIONS = 6;
// Replication 3 with two in-sync replicas required: acks=all then means "on two
// nodes at least", and one node may die without the topic refusing writes.
const REPLICATED = {
  partitions: PARTITIONS,
  replicationFactor: 3,
  config: { 'min.insync.replicas': '2' },
};
// Slow enough that the kill lands well inside the replay, fast enough to end in seconds.
const RATE = 10_000;

let cluster: ApacheKafkaCluster;
let t: TestCore | null = null;

beforeAll(async () => {
  cluster = await startKafka({
    brokers: 3,
    topics: [
      { name: DLQ, ...REPLICATED },
      { name: TARGET, ...REPLICATED },
    ],
  });
}, 180_000);

afterAll(async () => {
  await t?.cleanup();
  await cluster?.stop();
});

/** The producer id of the record batch a message came in (-1: not an idempotent producer). */
function producerIdOf(message: KafkaMessage): string | null {
  // kafkajs decodes each record with its batch's header but leaves it out of its types.
  const context = (message as KafkaMessage & { batchContext?: { producerId?: unknown } })
    .batchContext;
  return typeof context?.producerId === 'string' ? context.producerId : null;
}

describe('a Kafka replay on three brokers with the target partition leader killed', () => {
  it('completes; every record arrives at least once, copies with one replay id, written by the idempotent producer', async () => {
    const kafka = kafkaClient(cluster.brokers);
    const seedStarted = Date.now();
    await produce(
      kafka,
      DLQ,
      Array.from({ length: TOTAL }, (_, i) => ({
        key: `doc-${i}`,
        value: JSON.stringify({ id: `doc-${i}`, version: 1 }),
        headers: {
          '__connect.errors.topic': TARGET,
          '__connect.errors.partition': String(i % PARTITIONS),
          '__connect.errors.offset': String(i),
          '__connect.errors.exception.class.name': 'MappingException',
          '__connect.errors.exception.message': 'price is not a number',
        },
      })),
    );
    const seedMs = Date.now() - seedStarted;

    t = await startCore();
    const core = t;
    const environmentId = await createEnvironment(core, { brokers: cluster.brokers });
    const source = await core.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'sync dlq', settings: { kind: 'kafka', topic: DLQ } },
    });
    const indexStarted = Date.now();
    const indexed = await core.call('deadletters.refreshIndex', { sourceId: source.id });
    expect(indexed, JSON.stringify(indexed)).toMatchObject({ state: 'fresh' });
    const indexMs = Date.now() - indexStarted;
    const stats = await core.call('deadletters.sources.stats', { environmentId });
    expect(stats[0]).toMatchObject({ count: TOTAL });

    const planStarted = Date.now();
    const job = await core.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
      ratePerSecond: RATE,
    });
    // The call returns once the plan is written; the moves start then.
    const replayStarted = Date.now();
    const planMs = replayStarted - planStarted;
    const partway = await waitForJob(
      core,
      job.id,
      (j) => j.moved >= TOTAL / 10 || finished(j),
      120_000,
    );
    // The kill must land inside the replay, not after it.
    expect(partway.status).toBe('RUNNING');
    expect(partway.moved).toBeLessThan(TOTAL / 2);
    const leaders = await cluster.partitionLeaders(TARGET);
    const victim = leaders.get(0)!;
    const ledTarget = [...leaders].filter(([, leader]) => leader === victim).map(([p]) => p);
    const ledDlq = [...(await cluster.partitionLeaders(DLQ))]
      .filter(([, leader]) => leader === victim)
      .map(([p]) => p);
    const killedAt = Date.now();
    await cluster.brokerDown(victim);
    const movedAtKill = (await core.call('deadletters.jobs.get', { jobId: job.id })).moved;

    // Left down to the end: two replicas still satisfy min.insync.replicas, so the
    // replay must finish without the node, on the leaders the controllers elect.
    const done = await waitForJob(core, job.id, finished, 300_000);
    const replayMs = Date.now() - replayStarted;
    expect(done, JSON.stringify(done)).toMatchObject({
      status: 'COMPLETED',
      moved: TOTAL,
      failed: 0,
      skipped: 0,
    });
    expect(done.delivery).toBe(IDEMPOTENT_DELIVERY);
    const after = (await cluster.partitionLeaders(TARGET)).get(0);
    expect(after).not.toBe(victim);

    // What the job went through after the kill, as the dialog saw it.
    const timeline: string[] = [];
    let pausedMs = 0;
    let pausedSince: number | null = null;
    for (const event of core.events) {
      if (event.event !== 'deadletters.job') continue;
      const seen = event.payload as ReplayJob;
      if (seen.id !== job.id) continue;
      const step = seen.cause ? `${seen.status} (${seen.cause})` : seen.status;
      if (timeline.at(-1) !== step) timeline.push(step);
      const at = Date.parse(seen.updatedAt);
      if (seen.status === 'PAUSED') pausedSince ??= at;
      else if (pausedSince !== null) {
        pausedMs += at - pausedSince;
        pausedSince = null;
      }
    }

    const replayed = await readAll(kafka, TARGET);
    const byOrigin = new Map<string, { replayIds: Set<string>; values: Set<string> }>();
    const keys = new Set<string>();
    const producerIds = new Set<string>();
    const originPattern = new RegExp(`^kafka:${DLQ.replace('.', '\\.')}/\\d+@\\d+$`);
    const replayIdPattern = new RegExp(`^${job.id}:\\d+$`);
    for (const message of replayed) {
      const origin = header(message, 'x-sluice-origin');
      const replayId = header(message, 'x-sluice-replay-id');
      expect(origin).toMatch(originPattern);
      expect(replayId).toMatch(replayIdPattern);
      const copies = byOrigin.get(origin!) ?? { replayIds: new Set(), values: new Set() };
      copies.replayIds.add(replayId!);
      copies.values.add(message.value!.toString('base64'));
      byOrigin.set(origin!, copies);
      keys.add(message.key!.toString());
      producerIds.add(producerIdOf(message) ?? 'unknown');
    }
    // Every DLQ record arrived; copies of one record carry one replay id and the same bytes.
    expect(byOrigin.size).toBe(TOTAL);
    expect(keys.size).toBe(TOTAL);
    const missing = Array.from({ length: TOTAL }, (_, i) => `doc-${i}`).filter((k) => !keys.has(k));
    expect(missing.slice(0, 5)).toEqual([]);
    const split = [...byOrigin].filter(([, c]) => c.replayIds.size !== 1 || c.values.size !== 1);
    expect(split.slice(0, 3)).toEqual([]);
    const duplicates = replayed.length - TOTAL;
    console.log(
      `leader kill: ${TOTAL} records, ${duplicates} duplicates; broker ${victim} ` +
        `(leader of ${TARGET} partitions ${ledTarget.join(',')} and ${DLQ} partitions ` +
        `${ledDlq.join(',') || 'none'}) killed at ${movedAtKill} moved, ` +
        `${((killedAt - replayStarted) / 1000).toFixed(1)} s into the moves; moves ${replayMs} ms ` +
        `at ${RATE}/s max, ${pausedMs} ms of it paused; producer sessions ${producerIds.size}; ` +
        `job ${timeline.join(' -> ')}; seed ${seedMs} ms, index ${indexMs} ms, plan ${planMs} ms`,
    );
    // Written with producer ids, i.e. by an idempotent producer (plain producers write -1).
    expect(
      [...producerIds].every((id) => /^\d+$/.test(id)),
      [...producerIds].join(','),
    ).toBe(true);
    // One producer session all along: the brokers drop a retried batch they already hold.
    if (producerIds.size === 1) expect(duplicates).toBe(0);
    // Otherwise only batches in flight when a producer was replaced may come twice.
    expect(duplicates).toBeLessThanOrEqual(2 * 2000);
  }, 600_000);
});
