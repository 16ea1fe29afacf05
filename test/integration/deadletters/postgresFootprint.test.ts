import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInput } from '@shared/contract';
import { migrate } from '../../../sandbox/schema';
import { startPostgres, type PostgresServer } from '../../../sandbox/servers';
import { createPool } from '../../../src-main/core/clients/postgres';
import { DEADLETTER_LOCK_TIMEOUT_MS } from '../../../src-main/core/clients/purposes';
import { createEnvironment, finished, startCore, waitForJob, type TestCore } from './harness';

const ROWS = 200_000;
/** Table-level modes Sluice may hold: reads, FOR UPDATE, and row writes. */
const ALLOWED_MODES = new Set(['AccessShareLock', 'RowShareLock', 'RowExclusiveLock']);

let server: PostgresServer;
let pool: pg.Pool;
let t: TestCore;
let environmentId: string;
let sourceId: string;

interface Footprint {
  inserts: number;
  /** Longest INSERT measured on the server: from receiving the statement to its row. */
  longestServerWaitMs: number;
  longestRoundTripMs: number;
  sluiceModes: Set<string>;
  lockSamples: number;
}

async function connect(applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.url, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Runs `action` while the application's writer inserts into the dead-letter
 * table in a loop and a third session samples the table locks Sluice holds.
 */
async function underLoad<T>(
  action: () => Promise<T>,
): Promise<{ result: T; footprint: Footprint }> {
  const [writer, sampler] = await Promise.all([connect('app-writer'), connect('lock-sampler')]);
  const footprint: Footprint = {
    inserts: 0,
    longestServerWaitMs: 0,
    longestRoundTripMs: 0,
    sluiceModes: new Set(),
    lockSamples: 0,
  };
  let running = true;
  const writing = (async () => {
    while (running) {
      const started = performance.now();
      const result = await writer.query<{ wait_ms: number }>(
        `INSERT INTO dead_letters (source, payload, error_class, error_message)
         VALUES ('app', '{"live":true}', 'LiveWrite', 'written during an action')
         RETURNING (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::float8 AS wait_ms`,
      );
      footprint.longestRoundTripMs = Math.max(
        footprint.longestRoundTripMs,
        performance.now() - started,
      );
      footprint.longestServerWaitMs = Math.max(
        footprint.longestServerWaitMs,
        result.rows[0]!.wait_ms,
      );
      footprint.inserts += 1;
    }
  })();
  const sampling = (async () => {
    while (running) {
      const locks = await sampler.query<{ mode: string }>(
        `SELECT l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'relation' AND a.application_name LIKE 'sluice%'
            AND l.relation IN ('dead_letters'::regclass, 'import_queue'::regclass)`,
      );
      footprint.lockSamples += 1;
      for (const row of locks.rows) footprint.sluiceModes.add(row.mode);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  try {
    const result = await action();
    return { result, footprint };
  } finally {
    running = false;
    await Promise.all([writing, sampling]);
    await Promise.all([writer.end(), sampler.end()]);
  }
}

function expectHarmless(name: string, footprint: Footprint): void {
  console.log(
    `${name}: ${footprint.inserts} concurrent inserts, longest wait ${footprint.longestServerWaitMs.toFixed(1)} ms ` +
      `on the server (${footprint.longestRoundTripMs.toFixed(1)} ms round trip); ` +
      `Sluice table locks seen in ${footprint.lockSamples} samples: ${[...footprint.sluiceModes].join(', ') || 'none'}`,
  );
  expect(footprint.inserts, `${name}: the writer kept inserting`).toBeGreaterThan(0);
  expect(footprint.longestServerWaitMs, `${name}: longest INSERT wait`).toBeLessThanOrEqual(50);
  for (const mode of footprint.sluiceModes) {
    expect(ALLOWED_MODES.has(mode), `${name}: Sluice held ${mode}`).toBe(true);
  }
}

async function replay(
  selection: ChannelInput<'deadletters.replay'>['selection'],
): Promise<{ moved: number; jobId: string }> {
  const job = await t.call('deadletters.replay', { sourceId, selection });
  const done = await waitForJob(t, job.id, finished, 170_000);
  expect(done, JSON.stringify(done)).toMatchObject({ status: 'COMPLETED', failed: 0 });
  return { moved: done.moved, jobId: job.id };
}

async function expectMovedOnce(): Promise<void> {
  const check = await pool.query<{ replayed: string; delivered: string; twice: string }>(
    `SELECT (SELECT count(*) FROM dead_letters WHERE status = 'replayed') AS replayed,
            (SELECT count(*) FROM import_queue) AS delivered,
            (SELECT count(*) FROM (SELECT origin FROM import_queue GROUP BY origin HAVING count(*) > 1) d) AS twice`,
  );
  const row = check.rows[0]!;
  expect(row.twice).toBe('0');
  expect(row.delivered).toBe(row.replayed);
}

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 2 });
  pool.on('error', () => undefined);
  await migrate(pool);
  await pool.query(`CREATE TABLE import_queue (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body jsonb NOT NULL,
    replay_id text UNIQUE,
    origin text
  )`);
  // Every tenth row (3, 13, 23, ...) is the scattered selection; rows ending in 5 are one error class.
  await pool.query(
    `INSERT INTO dead_letters (source, payload, error_class, error_message, attempts)
     SELECT 'import:bulk', '{"id":"d-' || g || '","title":"Title ' || g || '"}',
            CASE WHEN g % 10 = 5 THEN 'SchemaViolation' ELSE 'DuplicateKey' END,
            'failure of d-' || g, 1 + g % 3
       FROM generate_series(1, $1::int) g`,
    [ROWS],
  );
  await pool.query('ANALYZE dead_letters');
  t = await startCore();
  environmentId = await createEnvironment(t, { postgresUrl: server.url });
  const source = await t.call('deadletters.sources.save', {
    environmentId,
    source: {
      name: 'bulk imports',
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
  sourceId = source.id;
}, 170_000);

afterAll(async () => {
  await t?.cleanup();
  await pool?.end();
  await server?.stop();
});

describe(`PostgreSQL dead-letter table of ${ROWS.toLocaleString('en')} rows: Sluice never stalls the application`, () => {
  it('the dead-letter pool sets statement_timeout and lock_timeout on the server', async () => {
    const sluicePool = createPool({ url: server.url, password: null }, 'deadletters');
    try {
      const shown = await sluicePool.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings
          WHERE name IN ('statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'application_name')
          ORDER BY name`,
      );
      const settings = Object.fromEntries(shown.rows.map((row) => [row.name, row.setting]));
      expect(settings.application_name).toBe('sluice-deadletters');
      expect(Number(settings.lock_timeout)).toBe(DEADLETTER_LOCK_TIMEOUT_MS);
      expect(Number(settings.statement_timeout)).toBeGreaterThan(0);
      expect(Number(settings.idle_in_transaction_session_timeout)).toBeGreaterThan(0);
    } finally {
      await sluicePool.end();
    }
    const monitorPool = createPool({ url: server.url, password: null }, 'monitor');
    try {
      const shown = await monitorPool.query<{ lock: string; statement: string }>(
        `SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement`,
      );
      expect(shown.rows[0]!.lock).not.toBe('0');
      expect(shown.rows[0]!.statement).not.toBe('0');
    } finally {
      await monitorPool.end();
    }
  });

  it('browsing, counting, reading one entry and editing it', async () => {
    const { footprint } = await underLoad(async () => {
      for (let round = 0; round < 3; round++) {
        const page = await t.call('deadletters.browse', { sourceId, limit: 50 });
        expect(page.total).toBeGreaterThanOrEqual(ROWS);
        await t.call('deadletters.browse', {
          sourceId,
          limit: 50,
          filter: { errorClasses: ['SchemaViolation'] },
        });
        await t.call('deadletters.topReasons', { sourceId });
        await t.call('deadletters.sources.stats', { environmentId });
        await t.call('deadletters.get', { sourceId, key: String(1000 + round) });
      }
      const edited = await t.call('deadletters.saveEdit', {
        sourceId,
        key: '42',
        text: '{"id":"d-42","title":"Repaired"}',
      });
      expect(edited.row.edited).toBe(true);
    });
    expectHarmless('browse, count, get, edit', footprint);
  });

  it('replaying a scattered 10 % selection, by filter, discarding, and replaying all', async () => {
    const scattered = Array.from({ length: ROWS / 10 }, (_, i) => String(i * 10 + 3));
    const selective = await underLoad(() => replay({ kind: 'keys', keys: scattered }));
    expect(selective.result.moved).toBe(ROWS / 10);
    expectHarmless('replay of a scattered 10 %', selective.footprint);

    const byFilter = await underLoad(() =>
      replay({ kind: 'filter', filter: { errorClasses: ['SchemaViolation'] } }),
    );
    expect(byFilter.result.moved).toBe(ROWS / 10);
    expectHarmless('replay by filter', byFilter.footprint);

    const discardKeys = Array.from({ length: 5000 }, (_, i) => String(i * 40 + 1));
    const discard = await underLoad(() =>
      t.call('deadletters.discard', {
        sourceId,
        selection: { kind: 'keys', keys: discardKeys },
        reason: 'cannot be repaired',
      }),
    );
    expect(discard.result).toEqual({ discarded: 5000, missing: 0 });
    expectHarmless('discard', discard.footprint);

    const all = await underLoad(() => replay({ kind: 'filter', filter: {} }));
    expect(all.result.moved).toBeGreaterThanOrEqual(ROWS - ROWS / 5 - 5000);
    expectHarmless('replay all', all.footprint);
    // Across the replays Sluice did take row-level work on the table: the sampling saw it.
    const seen = new Set([...selective.footprint.sluiceModes, ...all.footprint.sluiceModes]);
    expect(seen.has('RowExclusiveLock')).toBe(true);
    await expectMovedOnce();
    const edited = await pool.query<{ body: { title: string } }>(
      `SELECT body FROM import_queue WHERE origin = 'postgres:public.dead_letters/42'`,
    );
    expect(edited.rows).toEqual([{ body: { id: 'd-42', title: 'Repaired' } }]);
  }, 600_000);

  it('rows the application holds locked: the replay gives way at its lock_timeout, says so, and finishes once they are free', async () => {
    const inserted = await pool.query<{ id: string }>(
      `INSERT INTO dead_letters (source, payload, error_class, error_message)
       SELECT 'import:locked', '{"n":' || g || '}', 'LockedByApp', 'held' FROM generate_series(1, 50) g
       RETURNING id::text`,
    );
    const ids = inserted.rows.map((row) => row.id);
    const app = await connect('app-worker');
    const sampler = await connect('lock-sampler');
    await app.query('BEGIN');
    await app.query('SELECT id FROM dead_letters WHERE id = ANY($1::bigint[]) FOR UPDATE', [
      ids.filter((_, i) => i % 5 === 0),
    ]);
    let longestLockWaitMs = 0;
    let waitsSeen = 0;
    let sampling = true;
    const watching = (async () => {
      while (sampling) {
        const waiting = await sampler.query<{ wait_ms: number }>(
          `SELECT (extract(epoch FROM clock_timestamp() - query_start) * 1000)::float8 AS wait_ms
             FROM pg_stat_activity
            WHERE application_name = 'sluice-deadletters' AND wait_event_type = 'Lock'`,
        );
        for (const row of waiting.rows) {
          waitsSeen += 1;
          longestLockWaitMs = Math.max(longestLockWaitMs, row.wait_ms);
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    try {
      const job = await t.call('deadletters.replay', {
        sourceId,
        selection: { kind: 'filter', filter: { errorClasses: ['LockedByApp'] } },
      });
      const paused = await waitForJob(t, job.id, (j) => j.status === 'PAUSED' || finished(j));
      expect(paused.status).toBe('PAUSED');
      expect(paused.cause).toMatch(/locked by another session; gave way at lock_timeout/);
      // It keeps giving way while the application holds the rows: nothing fails, nothing moves twice.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await t.call('deadletters.jobs.get', { jobId: job.id })).toMatchObject({ failed: 0 });
      await app.query('COMMIT');
      const done = await waitForJob(t, job.id, finished);
      expect(done).toMatchObject({ status: 'COMPLETED', moved: 50, failed: 0 });
    } finally {
      sampling = false;
      await watching;
      await Promise.all([app.end(), sampler.end()]);
    }
    console.log(
      `lock held by the application: ${waitsSeen} samples of Sluice waiting, longest ${longestLockWaitMs.toFixed(1)} ms`,
    );
    expect(waitsSeen).toBeGreaterThan(0);
    // The server cancels the wait at lock_timeout; the rest is the sampler's own delay.
    expect(longestLockWaitMs).toBeLessThanOrEqual(DEADLETTER_LOCK_TIMEOUT_MS + 250);
    const moved = await pool.query<{ origin: string; n: number }>(
      `SELECT origin, count(*)::int AS n FROM import_queue WHERE origin = ANY($1) GROUP BY origin`,
      [ids.map((id) => `postgres:public.dead_letters/${id}`)],
    );
    expect(moved.rows).toHaveLength(50);
    expect(moved.rows.every((row) => row.n === 1)).toBe(true);
    const left = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM dead_letters WHERE id = ANY($1::bigint[]) AND status <> 'replayed'`,
      [ids],
    );
    expect(left.rows[0]!.n).toBe(0);
  });
});
