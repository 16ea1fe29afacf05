import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDeadLetters, migrate } from '../../../sandbox/schema';
import {
  startPostgres,
  startRedis,
  type PostgresServer,
  type RedisServer,
} from '../../../sandbox/servers';
import { createEnvironment, finished, startCore, waitForJob, type TestCore } from './harness';

let server: PostgresServer;
let redisServer: RedisServer;
let redis: Redis;
let pool: pg.Pool;
let t: TestCore;
let environmentId: string;

beforeAll(async () => {
  [server, redisServer] = await Promise.all([startPostgres(), startRedis()]);
  pool = new pg.Pool({ connectionString: server.url, max: 2 });
  pool.on('error', () => undefined);
  await migrate(pool);
  await pool.query(`CREATE TABLE import_queue (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body jsonb NOT NULL,
    replay_id text UNIQUE,
    origin text
  )`);
  redis = new Redis(redisServer.url, { lazyConnect: true });
  await redis.connect();
  t = await startCore();
  environmentId = await createEnvironment(t, {
    postgresUrl: server.url,
    redisUrl: redisServer.url,
  });
});

afterAll(async () => {
  redis?.disconnect();
  await t?.cleanup();
  await pool?.end();
  await Promise.all([server?.stop(), redisServer?.stop()]);
});

describe('PostgreSQL dead-letter table', () => {
  it('browses with filters, replays into a table in one transaction per batch, isolates a row the target refuses', async () => {
    await insertDeadLetters(
      pool,
      Array.from({ length: 40 }, (_, i) => ({
        source: 'import:batch-7',
        payload:
          i === 4 ? '{"id": "d-4", broken' : JSON.stringify({ id: `d-${i}`, title: `Title ${i}` }),
        errorClass: i % 2 === 0 ? 'DuplicateKey' : 'SchemaViolation',
        errorMessage: i % 2 === 0 ? `duplicate key d-${i}` : `missing field price in d-${i}`,
        attempts: 1 + (i % 3),
      })),
    );
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: {
        name: 'imports',
        settings: {
          kind: 'postgres',
          table: 'dead_letters',
          defaultTarget: {
            kind: 'postgres-table',
            table: 'import_queue',
            payloadColumn: 'body',
            replayIdColumn: 'replay_id',
            originColumn: 'origin',
          },
        },
      },
    });
    const page = await t.call('deadletters.browse', { sourceId: source.id, limit: 5 });
    expect(page).toMatchObject({ total: 40, index: { state: 'live' } });
    expect(page.rows[0]).toMatchObject({ externalId: '40', origin: 'import:batch-7' });
    expect(await t.call('deadletters.topReasons', { sourceId: source.id })).toEqual([
      expect.objectContaining({ errorClass: 'DuplicateKey', count: 20 }),
      expect.objectContaining({ errorClass: 'SchemaViolation', count: 20 }),
    ]);
    const found = await t.call('deadletters.browse', {
      sourceId: source.id,
      filter: { text: 'Title 13', reason: 'price' },
    });
    expect(found.rows.map((r) => r.key)).toEqual(['14']);

    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: { errorClasses: ['DuplicateKey'] } },
    });
    const done = await waitForJob(t, job.id, finished);
    // Row 5 (d-4) is not JSON: the jsonb column refuses it, it stays dead, the rest moved.
    expect(done).toMatchObject({ status: 'COMPLETED', moved: 19, failed: 1 });
    const statuses = await pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM dead_letters GROUP BY status ORDER BY status`,
    );
    expect(statuses.rows).toEqual([
      { status: 'pending', n: '21' },
      { status: 'replayed', n: '19' },
    ]);
    const queued = await pool.query<{ body: { id: string }; replay_id: string; origin: string }>(
      'SELECT body, replay_id, origin FROM import_queue ORDER BY seq',
    );
    expect(queued.rows).toHaveLength(19);
    expect(queued.rows[0]).toMatchObject({
      body: { id: 'd-0' },
      replay_id: `${job.id}:0`,
      origin: 'postgres:public.dead_letters/1',
    });

    // Replaying the rest to the Redis write queue: locked, pushed once, marked.
    const toRedis = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: { errorClasses: ['SchemaViolation'] } },
      target: { kind: 'redis-list', key: 'write_queue' },
    });
    expect(await waitForJob(t, toRedis.id, finished)).toMatchObject({
      status: 'COMPLETED',
      moved: 20,
    });
    const pushed = await redis.lrange('write_queue', 0, -1);
    expect(pushed).toHaveLength(20);
    expect(JSON.parse(pushed[0]!)).toMatchObject({
      'x-sluice-origin': 'postgres:public.dead_letters/40',
    });

    const discarded = await t.call('deadletters.discard', {
      sourceId: source.id,
      selection: { kind: 'keys', keys: ['5', '999'] },
      reason: 'cannot be repaired',
    });
    expect(discarded).toEqual({ discarded: 1, missing: 1 });
    const left = await t.call('deadletters.sources.stats', { environmentId });
    expect(left).toEqual([expect.objectContaining({ sourceId: source.id, count: 0, state: 'ok' })]);
  });

  it('a table without a status column: rows are deleted as they move, custom columns mapped', async () => {
    await pool.query(`CREATE TABLE failed_events (
      event_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      body bytea NOT NULL,
      failure text
    )`);
    await pool.query(
      `INSERT INTO failed_events (body, failure)
       SELECT convert_to('{"n":' || g || '}', 'UTF8'), 'timeout' FROM generate_series(1, 25) g`,
    );
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: {
        name: 'events',
        settings: {
          kind: 'postgres',
          table: 'failed_events',
          removal: 'delete',
          columns: {
            id: 'event_id',
            payload: 'body',
            errorClass: null,
            errorMessage: 'failure',
            attempts: null,
            firstFailedAt: null,
            lastFailedAt: null,
            origin: null,
            status: null,
          },
        },
      },
    });
    const page = await t.call('deadletters.browse', {
      sourceId: source.id,
      filter: { reason: 'time', text: '"n":7' },
    });
    expect(page.total).toBe(1);
    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
      target: { kind: 'redis-list', key: 'events_queue', side: 'tail' },
      ratePerSecond: 100,
    });
    expect(await waitForJob(t, job.id, finished)).toMatchObject({ status: 'COMPLETED', moved: 25 });
    expect((await pool.query('SELECT count(*)::int AS n FROM failed_events')).rows[0]).toEqual({
      n: 0,
    });
    const pushed = await redis.lrange('events_queue', 0, -1);
    expect(pushed.map((p) => (JSON.parse(p) as { n: number }).n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
  });
});
