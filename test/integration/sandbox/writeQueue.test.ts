import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/pipeline';
import type { Sandbox } from '../../../sandbox/pipeline';
import { rawEntry } from '../../../sandbox/loadgen/payloads';
import type { DeadEnvelope } from '../../../sandbox/worker/envelope';
import { Worker } from '../../../sandbox/worker/worker';
import type { RetryEvent } from '../../../sandbox/worker/worker';
import type { WriterStats } from '../../../sandbox/writer/server';
import { http, postWrite, sleep, waitFor } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ syncMaxWaitMs: 100, batchSize: 50 });
});

afterAll(async () => {
  await sandbox?.stop();
});

async function deadEnvelopes(list: string): Promise<DeadEnvelope[]> {
  const entries = await sandbox.redis.lrange(list, 0, -1);
  return entries.map((entry) => JSON.parse(entry) as DeadEnvelope);
}

/** Holds an EXCLUSIVE lock on documents (writes block, reads do not) until release(). */
async function lockDocuments(pool: pg.Pool): Promise<() => Promise<void>> {
  const client = await pool.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE documents IN EXCLUSIVE MODE');
  return async () => {
    await client.query('ROLLBACK');
    client.release();
  };
}

describe('writer API', () => {
  it('answers 400 with the reason for a body that is not JSON, naming line and column', async () => {
    const reply = await http('POST', `${sandbox.writer.url}/write`, '{"key": "a",\n "value": }');
    expect(reply.status).toBe(400);
    expect((reply.body as { error: string }).error).toMatch(
      /not valid JSON: .* at line 2 column 11/,
    );
  });

  it('answers 400 for a missing key, a missing value, a non-object body and invalid UTF-8', async () => {
    const cases: [string | Buffer, RegExp][] = [
      ['{"value": {"a": 1}}', /^missing key$/],
      ['{"key": "k1"}', /^missing value$/],
      ['{"key": 7, "value": {}}', /^key must be a string$/],
      ['[1, 2]', /must be a JSON object/],
      [Buffer.from([0x7b, 0x22, 0x6b, 0xff, 0x22, 0x7d]), /not valid UTF-8 \(byte offset 3\)/],
    ];
    for (const [body, reason] of cases) {
      const reply = await http('POST', `${sandbox.writer.url}/write`, body);
      expect(reply.status, String(body)).toBe(400);
      expect((reply.body as { error: string }).error).toMatch(reason);
    }
  });

  it('answers 400 for an oversized body without reading all of it', async () => {
    const huge = JSON.stringify({ key: 'big', value: { text: 'x'.repeat(300 * 1024) } });
    const reply = await http('POST', `${sandbox.writer.url}/write`, huge);
    expect(reply.status).toBe(400);
    expect((reply.body as { error: string }).error).toMatch(/limit is 262144/);
  });

  it('queues a write with 202 and the queue depth, serves it on /read, reports /stats and /health', async () => {
    const reply = await postWrite(sandbox.writer.url, 'api-1', { title: 'first' });
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ queued: true, queue_depth: expect.any(Number) });
    const read = await waitFor(
      'api-1 to be readable',
      () => http('GET', `${sandbox.writer.url}/read/api-1`),
      (r) => r.status === 200,
    );
    expect(read.body).toMatchObject({ key: 'api-1', value: { title: 'first' }, version: 1 });
    expect((await http('GET', `${sandbox.writer.url}/read/nothing-here`)).status).toBe(404);
    const stats = await http('GET', `${sandbox.writer.url}/stats`);
    expect(stats.body).toMatchObject({
      queue_depth: expect.any(Number),
      writes_queued: expect.any(Number),
      writes_processed: expect.any(Number),
      writes_failed: expect.any(Number),
      processing_rate: expect.any(Number),
    });
    const health = await http('GET', `${sandbox.writer.url}/health`);
    expect(health).toEqual({ status: 200, body: { status: 'ok', redis: 'ok', postgres: 'ok' } });
  });
});

describe('worker', () => {
  it('stores N-k of N writes and dead-letters the k invalid ones with their reasons', async () => {
    const before = await sandbox.writer.stats();
    await sandbox.redis.del(sandbox.keys.dead);
    const valid = 180;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < valid; i += 1) {
      sends.push(postWrite(sandbox.writer.url, `nk-${i}`, { title: `doc ${i}`, price: i }));
    }
    // k = 20 invalid writes of five kinds.
    const expected: Record<string, RegExp> = {};
    for (let i = 0; i < 5; i += 1) {
      sends.push(postWrite(sandbox.writer.url, `nk-array-${i}`, [1, 2, 3]));
      sends.push(postWrite(sandbox.writer.url, `nk bad key ${i}`, { title: 'x' }));
      sends.push(postWrite(sandbox.writer.url, `nk-big-${i}`, { text: 'y'.repeat(40_000) }));
    }
    expected.SchemaViolation = /must be a JSON object|key may hold letters/;
    expected.DocumentTooLarge = /the limit is 32768/;
    for (let i = 0; i < 3; i += 1) {
      sends.push(
        sandbox.redis.lpush(sandbox.keys.queue, rawEntry('invalidJson', i, `nk-raw-${i}`)),
      );
      sends.push(sandbox.redis.lpush(sandbox.keys.queue, rawEntry('nonUtf8', i, `nk-raw-${i}`)));
    }
    sends.push(sandbox.redis.lpush(sandbox.keys.queue, '{"key": "nk-raw-9", "value": {"a": tru}}'));
    sends.push(sandbox.redis.lpush(sandbox.keys.queue, '"just a string"'));
    expected.InvalidJson = /not valid JSON: .* at line 1 column \d+/;
    expected.InvalidEncoding = /not valid UTF-8: byte 0xe9 at offset \d+/;
    await Promise.all(sends);
    const k = 5 * 3 + 3 * 2 + 2;
    const n = valid + k;

    const stats = await waitFor(
      'the worker to process every write',
      async () => (await http('GET', `${sandbox.writer.url}/stats`)).body as WriterStats,
      (s) =>
        s.writes_processed + s.writes_failed - before.writes_processed - before.writes_failed >= n,
    );
    expect(stats.writes_failed - before.writes_failed).toBe(k);
    expect(stats.writes_processed - before.writes_processed).toBe(n - k);
    expect(stats.queue_depth).toBe(0);
    expect(stats.processing_depth).toBe(0);

    const rows = await sandbox.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM documents WHERE id LIKE 'nk%'",
    );
    expect(Number(rows.rows[0]!.n)).toBe(n - k);

    const envelopes = await deadEnvelopes(sandbox.keys.dead);
    expect(envelopes).toHaveLength(k);
    const byClass = new Map<string, DeadEnvelope[]>();
    for (const envelope of envelopes) {
      expect(envelope).toMatchObject({
        id: expect.any(String),
        error_class: expect.any(String),
        error_message: expect.any(String),
        attempts: 1,
        source_queue: 'write_queue',
      });
      expect(Date.parse(envelope.first_failed_at)).toBeLessThanOrEqual(
        Date.parse(envelope.last_failed_at),
      );
      expect(envelope.error_class in expected, envelope.error_class).toBe(true);
      expect(envelope.error_message).toMatch(expected[envelope.error_class]!);
      byClass.set(envelope.error_class, [...(byClass.get(envelope.error_class) ?? []), envelope]);
    }
    expect(byClass.get('SchemaViolation')).toHaveLength(11);
    expect(byClass.get('DocumentTooLarge')).toHaveLength(5);
    expect(byClass.get('InvalidJson')).toHaveLength(4);
    expect(byClass.get('InvalidEncoding')).toHaveLength(3);
    // The payload is the original entry: parsed JSON, text, or base64 bytes.
    const array = byClass
      .get('SchemaViolation')!
      .find((e) => (e.payload as { key: string }).key === 'nk-array-0');
    expect(array?.payload).toMatchObject({ key: 'nk-array-0', value: [1, 2, 3] });
    expect(array?.error_message).toBe('value: value must be a JSON object');
    const encoded = byClass.get('InvalidEncoding')![0]!;
    expect(encoded.payload_encoding).toBe('base64');
    const bytes = Buffer.from(encoded.payload as string, 'base64');
    expect(bytes.includes(0xe9)).toBe(true);
    // The envelope keeps the write's own id even though the entry could not be decoded.
    expect(encoded.id).toBe(/"id":"([^"]+)"/.exec(bytes.toString('latin1'))?.[1]);
  });

  it('retries a transient database failure with exponential backoff, then stores the write', async () => {
    const worker = new Worker({
      redis: { url: sandbox.redisServer.url },
      postgresUrl: sandbox.postgres.url,
      queue: 'retry_queue',
      maxRetries: 3,
      retryBaseMs: 100,
      statementTimeoutMs: 300,
    });
    const retries: RetryEvent[] = [];
    worker.on('retry', (event: RetryEvent) => retries.push(event));
    await worker.start();
    try {
      const release = await lockDocuments(sandbox.pool);
      await sandbox.redis.lpush(
        'retry_queue',
        JSON.stringify({ id: 'w-retry-1', key: 'retry-1', value: { title: 'late' } }),
      );
      await waitFor(
        'a second retry',
        async () => retries.length,
        (n) => n >= 2,
        10_000,
        20,
      );
      await release();
      await waitFor(
        'retry-1 to be stored',
        async () =>
          (await sandbox.pool.query("SELECT 1 FROM documents WHERE id = 'retry-1'")).rowCount,
        (count) => count === 1,
      );
      expect(retries.map((r) => r.delayMs)).toEqual([100, 200, 400].slice(0, retries.length));
      expect(retries.every((r) => /statement timeout/.test(String(r.error)))).toBe(true);
      expect(await sandbox.redis.llen('retry_queue:dead')).toBe(0);
      expect(await sandbox.redis.llen('retry_queue:processing')).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('dead-letters a write whose transient failure outlasts MAX_RETRIES, with the attempts made', async () => {
    const worker = new Worker({
      redis: { url: sandbox.redisServer.url },
      postgresUrl: sandbox.postgres.url,
      queue: 'exhaust_queue',
      maxRetries: 2,
      retryBaseMs: 100,
      statementTimeoutMs: 300,
    });
    await worker.start();
    const release = await lockDocuments(sandbox.pool);
    try {
      await sandbox.redis.lpush(
        'exhaust_queue',
        JSON.stringify({ id: 'w-exhaust-1', key: 'exhaust-1', value: { title: 'never' } }),
      );
      const [raw] = await waitFor(
        'a dead envelope',
        () => sandbox.redis.lrange('exhaust_queue:dead', 0, -1),
        (list) => list.length === 1,
        15_000,
      );
      const envelope = JSON.parse(raw!) as DeadEnvelope;
      expect(envelope).toMatchObject({
        id: 'w-exhaust-1',
        payload: { id: 'w-exhaust-1', key: 'exhaust-1', value: { title: 'never' } },
        error_class: 'PostgresError:57014',
        attempts: 3,
        source_queue: 'exhaust_queue',
      });
      expect(envelope.error_message).toMatch(/statement timeout/);
      // Three tries 0.3 s each, 0.1 s and 0.2 s apart.
      const span = Date.parse(envelope.last_failed_at) - Date.parse(envelope.first_failed_at);
      expect(span).toBeGreaterThanOrEqual(800);
      expect(await sandbox.redis.llen('exhaust_queue:processing')).toBe(0);
    } finally {
      await release();
      await worker.stop();
    }
    await sleep(0);
  });
});
