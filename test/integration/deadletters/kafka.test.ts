import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaCluster } from '../../../sandbox/servers';
import { createEnvironment, finished, startCore, waitForJob, type TestCore } from './harness';
import { header, kafkaClient, produce, readAll } from './kafkaSupport';

let cluster: KafkaCluster;
let t: TestCore;
let environmentId: string;

function connectHeaders(i: number, exception: string) {
  return {
    '__connect.errors.topic': 'job-es-sync',
    '__connect.errors.partition': String(i % 3),
    '__connect.errors.offset': String(1000 + i),
    '__connect.errors.connector.name': 'es-sync',
    '__connect.errors.stage': 'TASK_PUT',
    '__connect.errors.exception.class.name': exception,
    '__connect.errors.exception.message': `${exception} on document doc-${i}`,
    trace: `t-${i}`,
  };
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

beforeAll(async () => {
  cluster = await startKafka({
    topics: [
      { name: 'job-es-sync.dlq', partitions: 2 },
      { name: 'job-es-sync', partitions: 3 },
      { name: 'orders', partitions: 1 },
    ],
  });
  t = await startCore();
  environmentId = await createEnvironment(t, { brokers: cluster.brokers });
});

afterAll(async () => {
  await t?.cleanup();
  await cluster?.stop();
});

describe('Kafka dead-letter topic', () => {
  it('reads Connect and Spring headers, replays to the original topic with replay headers, hides resolved records', async () => {
    const kafka = kafkaClient(cluster.brokers);
    const connect = Array.from({ length: 12 }, (_, i) => ({
      key: `doc-${i}`,
      value: JSON.stringify({ id: `doc-${i}`, version: 2 }),
      headers: connectHeaders(i, i % 4 === 0 ? 'MappingException' : 'TimeoutException'),
      partition: i % 2,
    }));
    const spring = Array.from({ length: 3 }, (_, i) => ({
      key: `order-${i}`,
      value: Buffer.from([0x7b, 0xff, 0xfe, i]),
      headers: {
        'kafka_dlt-original-topic': 'orders',
        'kafka_dlt-original-partition': int32(0),
        'kafka_dlt-original-offset': int64(77 + i),
        'kafka_dlt-exception-fqcn': 'org.example.PoisonPill',
        'kafka_dlt-exception-message': 'cannot deserialize',
      },
      partition: 0,
    }));
    await produce(kafka, 'job-es-sync.dlq', [...connect, ...spring]);

    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'sync dlq', settings: { kind: 'kafka', topic: 'job-es-sync.dlq' } },
    });
    // A browse answers within moments from what is indexed; the first sync joins a group first.
    const started = Date.now();
    const first = await t.call('deadletters.browse', { sourceId: source.id, limit: 100 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(['fresh', 'syncing']).toContain(first.index.state);
    expect(await t.call('deadletters.refreshIndex', { sourceId: source.id })).toMatchObject({
      state: 'fresh',
    });
    const page = await t.call('deadletters.browse', { sourceId: source.id, limit: 100 });
    expect(page.total).toBe(15);
    const groups = await t.call('deadletters.topReasons', { sourceId: source.id });
    expect(groups).toEqual([
      expect.objectContaining({ errorClass: 'TimeoutException', count: 9 }),
      expect.objectContaining({ errorClass: 'MappingException', count: 3 }),
      expect.objectContaining({ errorClass: 'org.example.PoisonPill', count: 3 }),
    ]);
    const springRow = page.rows.find((row) => row.externalId === 'order-1')!;
    expect(springRow).toMatchObject({ origin: 'orders/0@78', reason: 'cannot deserialize' });
    const springDetail = await t.call('deadletters.get', {
      sourceId: source.id,
      key: springRow.key,
    });
    expect(springDetail.payload).toMatchObject({
      utf8: false,
      base64: Buffer.from([0x7b, 0xff, 0xfe, 1]).toString('base64'),
    });
    expect(springDetail.kafka).toMatchObject({ key: { text: 'order-1' } });

    const mapping = await t.call('deadletters.browse', {
      sourceId: source.id,
      filter: { errorClasses: ['MappingException'] },
    });
    expect(mapping.rows.map((r) => r.origin).sort()).toEqual([
      'job-es-sync/0@1000',
      'job-es-sync/1@1004',
      'job-es-sync/2@1008',
    ]);

    const dry = await t.call('deadletters.dryRun', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: { errorClasses: ['MappingException'] } },
      headers: { mode: 'strip-errors', add: [{ name: 'x-fixed-by', value: 'ops' }] },
    });
    expect(dry).toMatchObject({ count: 3, targets: [{ target: 'kafka:job-es-sync', count: 3 }] });
    expect(dry.sample[0]!.headers.map((h) => h.name)).toEqual([
      'trace',
      'x-fixed-by',
      'x-sluice-replay-id',
      'x-sluice-origin',
    ]);

    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: { errorClasses: ['MappingException'] } },
      headers: { mode: 'strip-errors', add: [{ name: 'x-fixed-by', value: 'ops' }] },
    });
    const done = await waitForJob(t, job.id, finished);
    expect(done).toMatchObject({ status: 'COMPLETED', moved: 3, failed: 0 });
    // Apache Kafka names its controller, so the idempotent producer is used.
    expect(done.delivery).toMatch(/idempotent producer and acks from all in-sync replicas/);

    const replayed = await readAll(kafka, 'job-es-sync');
    expect(replayed).toHaveLength(3);
    for (const message of replayed) {
      expect(header(message, 'x-sluice-replay-id')).toMatch(new RegExp(`^${job.id}:\\d+$`));
      expect(header(message, 'x-sluice-origin')).toMatch(/^kafka:job-es-sync\.dlq\/[01]@\d+$/);
      expect(header(message, 'x-fixed-by')).toBe('ops');
      expect(header(message, '__connect.errors.exception.class.name')).toBeNull();
      expect(header(message, 'trace')).toMatch(/^t-\d+$/);
    }
    expect(replayed.map((m) => m.key?.toString()).sort()).toEqual(['doc-0', 'doc-4', 'doc-8']);

    const after = await t.call('deadletters.browse', { sourceId: source.id });
    expect(after.total).toBe(12);
    const withResolved = await t.call('deadletters.browse', {
      sourceId: source.id,
      filter: { showResolved: true, errorClasses: ['MappingException'] },
    });
    expect(withResolved.rows.every((r) => r.resolved?.kind === 'replayed')).toBe(true);
    const stats = await t.call('deadletters.sources.stats', { environmentId });
    expect(stats[0]).toMatchObject({ count: 12 });

    // Spring records replay to their original topic, bytes as they were.
    const springJob = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: { errorClasses: ['org.example.PoisonPill'] } },
      headers: { mode: 'keep' },
    });
    await waitForJob(t, springJob.id, finished);
    const orders = await readAll(kafka, 'orders');
    expect(orders.map((m) => m.value!.toString('hex')).sort()).toEqual([
      '7bfffe00',
      '7bfffe01',
      '7bfffe02',
    ]);
    expect(header(orders[0]!, 'kafka_dlt-exception-fqcn')).toBe('org.example.PoisonPill');

    const discarded = await t.call('deadletters.discard', {
      sourceId: source.id,
      selection: {
        kind: 'filter',
        filter: { errorClasses: ['TimeoutException'], reason: 'doc-1' },
      },
      reason: 'documents deleted upstream',
    });
    // doc-1, doc-10 and doc-11 mention "doc-1".
    expect(discarded).toEqual({ discarded: 3, missing: 0 });
    const final = await t.call('deadletters.sources.stats', { environmentId });
    expect(final[0]).toMatchObject({ count: 6 });
  });
});
