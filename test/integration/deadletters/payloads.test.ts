import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../sandbox/schema';
import {
  startKafka,
  startPostgres,
  startRedis,
  type KafkaCluster,
  type PostgresServer,
  type RedisServer,
} from '../../../sandbox/servers';
import { createEnvironment, finished, startCore, waitForJob, type TestCore } from './harness';
import { kafkaClient, produce, readAll } from './kafkaSupport';

let redisServer: RedisServer;
let pgServer: PostgresServer;
let cluster: KafkaCluster;
let redis: Redis;
let pool: pg.Pool;
let t: TestCore;
let environmentId: string;

const TEN_MB = 10 * 1024 * 1024;

function bigJson(bytes = TEN_MB): Buffer {
  const filler = 'x'.repeat(1000);
  const items: string[] = [];
  let size = 20;
  for (let i = 0; size < bytes; i += 1) {
    const item = `{"i":${i},"s":"${filler}"}`;
    items.push(item);
    size += item.length + 1;
  }
  return Buffer.from(`{"items":[${items.join(',')}]}`);
}

const NOT_UTF8 = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0xed, 0xa0, 0x80, 0x7d]);

beforeAll(async () => {
  [redisServer, pgServer, cluster] = await Promise.all([
    startRedis(),
    startPostgres(),
    startKafka({
      topics: [
        // Kafka refuses records over 1 MB unless the topic allows more, as a real DLQ for big documents would.
        { name: 'big.dlq', partitions: 1, config: { 'max.message.bytes': '8388608' } },
        { name: 'big', partitions: 1, config: { 'max.message.bytes': '8388608' } },
      ],
    }),
  ]);
  redis = new Redis(redisServer.url, { lazyConnect: true });
  await redis.connect();
  pool = new pg.Pool({ connectionString: pgServer.url, max: 2 });
  pool.on('error', () => undefined);
  await migrate(pool);
  await pool.query('CREATE TABLE big_queue (body text NOT NULL, replay_id text, origin text)');
  t = await startCore();
  environmentId = await createEnvironment(t, {
    redisUrl: redisServer.url,
    postgresUrl: pgServer.url,
    brokers: cluster.brokers,
  });
});

afterAll(async () => {
  redis?.disconnect();
  await t?.cleanup();
  await pool?.end();
  await Promise.all([redisServer?.stop(), pgServer?.stop(), cluster?.stop()]);
});

describe('payloads at the edges', () => {
  it('Redis raw entries: a 10 MB payload and bytes that are not UTF-8 browse and replay byte-exact', async () => {
    const big = bigJson();
    expect(big.length).toBeGreaterThanOrEqual(TEN_MB);
    await redis.lpush(Buffer.from('raw:dead'), big, NOT_UTF8);
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: {
        name: 'raw',
        settings: { kind: 'redis', key: 'raw:dead', format: 'raw', defaultTargetKey: 'raw:queue' },
      },
    });
    const page = await t.call('deadletters.browse', { sourceId: source.id });
    expect(page.rows.map((r) => r.size).sort((a, b) => a - b)).toEqual([
      NOT_UTF8.length,
      big.length,
    ]);
    const bigRow = page.rows.find((r) => r.size === big.length)!;
    const binaryRow = page.rows.find((r) => r.size === NOT_UTF8.length)!;

    const bigDetail = await t.call('deadletters.get', { sourceId: source.id, key: bigRow.key });
    expect(bigDetail.payload).toMatchObject({ utf8: true, json: true, size: big.length });
    expect(bigDetail.payload.text!.length).toBe(big.length);
    const binaryDetail = await t.call('deadletters.get', {
      sourceId: source.id,
      key: binaryRow.key,
    });
    expect(binaryDetail.payload).toMatchObject({
      utf8: false,
      text: null,
      base64: NOT_UTF8.toString('base64'),
    });

    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'keys', keys: [bigRow.key, binaryRow.key] },
    });
    expect(await waitForJob(t, job.id, finished)).toMatchObject({ status: 'COMPLETED', moved: 2 });
    const queued = await redis.lrangeBuffer('raw:queue', 0, -1);
    expect(queued).toHaveLength(2);
    expect(queued.some((b) => b.equals(big))).toBe(true);
    expect(queued.some((b) => b.equals(NOT_UTF8))).toBe(true);
    expect(await redis.llen('raw:dead')).toBe(0);
  });

  it('Redis envelopes with a base64 payload (the worker writes non-UTF-8 entries so) replay the original bytes', async () => {
    await redis.lpush(
      'write_queue:dead',
      JSON.stringify({
        id: 'w-bin',
        payload: NOT_UTF8.toString('base64'),
        payload_encoding: 'base64',
        error_class: 'InvalidEncoding',
        error_message: 'entry is not valid UTF-8: byte 0xff at offset 1',
        attempts: 1,
        first_failed_at: '2024-05-01T10:00:00.000Z',
        last_failed_at: '2024-05-01T10:00:00.000Z',
        source_queue: 'write_queue',
      }),
    );
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'writes', settings: { kind: 'redis', key: 'write_queue:dead' } },
    });
    const page = await t.call('deadletters.browse', {
      sourceId: source.id,
      filter: { errorClasses: ['InvalidEncoding'] },
    });
    expect(page.rows).toHaveLength(1);
    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'keys', keys: [page.rows[0]!.key] },
    });
    expect(await waitForJob(t, job.id, finished)).toMatchObject({ status: 'COMPLETED', moved: 1 });
    const [element] = await redis.lrangeBuffer('write_queue', 0, -1);
    expect(element!.equals(NOT_UTF8)).toBe(true);
  });

  it('PostgreSQL: a 10 MB row browses and replays into a text column unchanged', async () => {
    const big = bigJson().toString('utf8');
    await pool.query(
      `INSERT INTO dead_letters (source, payload, error_class, error_message) VALUES ('import', $1, 'TooLarge', 'document is 10 MB')`,
      [big],
    );
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'imports', settings: { kind: 'postgres', table: 'dead_letters' } },
    });
    const page = await t.call('deadletters.browse', { sourceId: source.id });
    expect(page.rows[0]).toMatchObject({ errorClass: 'TooLarge', size: big.length });
    const detail = await t.call('deadletters.get', { sourceId: source.id, key: page.rows[0]!.key });
    expect(detail.payload.size).toBe(big.length);
    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'keys', keys: [page.rows[0]!.key] },
      target: {
        kind: 'postgres-table',
        table: 'big_queue',
        payloadColumn: 'body',
        originColumn: 'origin',
      },
    });
    expect(await waitForJob(t, job.id, finished)).toMatchObject({ status: 'COMPLETED', moved: 1 });
    const copied = await pool.query<{ same: boolean }>('SELECT body = $1 AS same FROM big_queue', [
      big,
    ]);
    expect(copied.rows).toEqual([{ same: true }]);
  });

  // A broker refuses records over message.max.bytes (1 MB by default): the DLQ topic is created
  // with a larger max.message.bytes, and the record is 4 MB (the mock cluster, the sandbox's
  // fallback, keeps at most about 5 MB per partition).
  it('Kafka: a 4 MB record and a binary record replay with their exact bytes', async () => {
    const kafka = kafkaClient(cluster.brokers);
    const big = bigJson(4 * 1024 * 1024);
    await produce(kafka, 'big.dlq', [
      { key: 'big', value: big, headers: { '__connect.errors.topic': 'big' } },
      { key: 'bin', value: NOT_UTF8, headers: { '__connect.errors.topic': 'big' } },
    ]);
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'big dlq', settings: { kind: 'kafka', topic: 'big.dlq' } },
    });
    await t.call('deadletters.refreshIndex', { sourceId: source.id });
    const page = await t.call('deadletters.browse', { sourceId: source.id });
    expect(page.rows.map((r) => r.size).sort((a, b) => a - b)).toEqual([
      NOT_UTF8.length,
      big.length,
    ]);
    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
    });
    expect(await waitForJob(t, job.id, finished)).toMatchObject({ status: 'COMPLETED', moved: 2 });
    const records = await readAll(kafka, 'big');
    expect(records.map((r) => r.value!.length).sort((a, b) => a - b)).toEqual([
      NOT_UTF8.length,
      big.length,
    ]);
    expect(records.some((r) => r.value!.equals(big))).toBe(true);
    expect(records.some((r) => r.value!.equals(NOT_UTF8))).toBe(true);
  });
});
