/**
 * A Kafka replay keeps to the broker's quota for Sluice's client id (the
 * broker's throttle_time_ms is waited out) and to the job's rate limit, and
 * still delivers every record exactly once. Rates are read from the broker's
 * own append times (target topics with message.timestamp.type=LogAppendTime).
 */
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type ApacheKafkaCluster } from '../../../sandbox/servers';
import { removeClientQuota, setClientQuota } from '../../bench/_kafkaTools';
import { createEnvironment, finished, startCore, waitForJob, type TestCore } from './harness';
import { header, kafkaClient, produce, readAll } from './kafkaSupport';

/** The client id Sluice's dead-letter clients carry for an environment with the default 'sluice'. */
const SLUICE_DEADLETTER_CLIENT = 'sluice-deadletters';
const APPEND_TIME = { 'message.timestamp.type': 'LogAppendTime' };

let cluster: ApacheKafkaCluster;
let t: TestCore;
let environmentId: string;

beforeAll(async () => {
  cluster = await startKafka({
    topics: [
      { name: 'free.dlq', partitions: 2 },
      { name: 'free.target', partitions: 2, config: APPEND_TIME },
      { name: 'quota.dlq', partitions: 2 },
      { name: 'quota.target', partitions: 2, config: APPEND_TIME },
      { name: 'rate.dlq', partitions: 2 },
      { name: 'rate.target', partitions: 2, config: APPEND_TIME },
    ],
  });
  t = await startCore();
  environmentId = await createEnvironment(t, { brokers: cluster.brokers });
}, 180_000);

afterAll(async () => {
  await t?.cleanup();
  await cluster?.stop();
});

/** About 400 bytes of value per record, with a key. */
function records(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-${i}`,
    value: JSON.stringify({ id: `${prefix}-${i}`, body: 'x'.repeat(360) }),
    partition: i % 2,
  }));
}

function recordBytes(message: KafkaMessage): number {
  let bytes = (message.key?.length ?? 0) + (message.value?.length ?? 0);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value])
      bytes += name.length + (one?.length ?? 0);
  }
  return bytes;
}

interface Delivered {
  count: number;
  distinctKeys: number;
  distinctReplayIds: number;
  /** From the first append to the last, by the broker's clock. */
  spanMs: number;
  bytes: number;
  /** The most records appended in any one second (a window sliding from each record). */
  busiestSecond: number;
}

async function delivered(topic: string): Promise<Delivered> {
  const messages = await readAll(kafkaClient(cluster.brokers), topic);
  const times = messages.map((m) => Number(m.timestamp)).sort((a, b) => a - b);
  let busiestSecond = 0;
  let from = 0;
  for (let to = 0; to < times.length; to += 1) {
    while (times[to]! - times[from]! >= 1000) from += 1;
    busiestSecond = Math.max(busiestSecond, to - from + 1);
  }
  return {
    count: messages.length,
    distinctKeys: new Set(messages.map((m) => m.key?.toString())).size,
    distinctReplayIds: new Set(messages.map((m) => header(m, 'x-sluice-replay-id'))).size,
    spanMs: times.at(-1)! - times[0]!,
    bytes: messages.reduce((sum, m) => sum + recordBytes(m), 0),
    busiestSecond,
  };
}

/**
 * What a broker quota lets through in a span: it measures the rate over
 * quota.window.num (11) windows of quota.window.size.seconds (1 s), counting
 * at least 10 full windows, so the first 10 s worth pass before it throttles.
 */
function quotaAllows(bytesPerSecond: number, spanMs: number): number {
  return bytesPerSecond * (spanMs / 1000 + 11);
}

async function replayAll(
  dlq: string,
  target: string,
  ratePerSecond: number | null,
): Promise<{ status: string; moved: number; wallMs: number }> {
  const source = await t.call('deadletters.sources.save', {
    environmentId,
    source: { name: dlq, settings: { kind: 'kafka', topic: dlq } },
  });
  await t.call('deadletters.refreshIndex', { sourceId: source.id });
  const started = Date.now();
  const job = await t.call('deadletters.replay', {
    sourceId: source.id,
    selection: { kind: 'filter', filter: {} },
    target: { kind: 'kafka-topic', topic: target },
    ratePerSecond,
  });
  const done = await waitForJob(t, job.id, finished, 180_000);
  return { status: done.status, moved: done.moved, wallMs: Date.now() - started };
}

describe('Kafka replay pacing', () => {
  it('keeps to a producer_byte_rate quota on its client id and delivers every record once', async () => {
    const count = 4000;
    const quota = 100_000;
    const kafka = kafkaClient(cluster.brokers);
    await produce(kafka, 'free.dlq', records('free', count));
    await produce(kafka, 'quota.dlq', records('quota', count));

    // Without a quota the same replay runs far faster: the bound below can fail.
    const free = await replayAll('free.dlq', 'free.target', null);
    expect(free).toMatchObject({ status: 'COMPLETED', moved: count });
    const unthrottled = await delivered('free.target');
    expect(unthrottled.bytes).toBeGreaterThan(quotaAllows(quota, unthrottled.spanMs) * 1.5);

    await setClientQuota(cluster.bootstrap, SLUICE_DEADLETTER_CLIENT, {
      producer_byte_rate: quota,
    });
    try {
      const throttled = await replayAll('quota.dlq', 'quota.target', null);
      expect(throttled).toMatchObject({ status: 'COMPLETED', moved: count });
      const seen = await delivered('quota.target');
      expect(seen).toMatchObject({ count, distinctKeys: count, distinctReplayIds: count });
      // Record bytes are fewer than the request bytes the broker counts: a conservative bound.
      expect(seen.bytes).toBeLessThanOrEqual(quotaAllows(quota, seen.spanMs) * 1.1);
    } finally {
      await removeClientQuota(cluster.bootstrap, SLUICE_DEADLETTER_CLIENT, ['producer_byte_rate']);
    }
  }, 300_000);

  it('keeps to the job rate limit in records per second and completes', async () => {
    const count = 1500;
    const perSecond = 250;
    await produce(kafkaClient(cluster.brokers), 'rate.dlq', records('rate', count));
    const job = await replayAll('rate.dlq', 'rate.target', perSecond);
    expect(job).toMatchObject({ status: 'COMPLETED', moved: count });
    const seen = await delivered('rate.target');
    expect(seen).toMatchObject({ count, distinctKeys: count, distinctReplayIds: count });
    // Over the whole job: at most the limit, with 10 % for the first batch starting at once.
    expect(count / (seen.spanMs / 1000)).toBeLessThanOrEqual(perSecond * 1.1);
    // In any one second: the limit plus one batch (a fifth of a second's worth).
    expect(seen.busiestSecond).toBeLessThanOrEqual(perSecond * 1.2 + 1);
    // And not far below it: a limit of N means N, not a fraction of it (loaded machine: 60 %).
    expect(count / (seen.spanMs / 1000)).toBeGreaterThan(perSecond * 0.6);
  }, 180_000);
});
