/**
 * PostgreSQL rows of `npm run bench -- replay`: end to end from a fresh source
 * against a bare batched INSERT ... SELECT move, a scattered 10 % against a
 * table holding only those rows, and the longest wait of the application's
 * writer inserting into the dead-letter table during each run.
 */
import pg from 'pg';
import { insertDeadLetters, migrate } from '../../../sandbox/schema';
import { startPostgres, type PostgresServer } from '../../../sandbox/servers';
import { createEnvironment, startCore, type TestCore } from '../../integration/deadletters/harness';
import { type BenchRow, payload, timeJob } from './common';

const BASELINE_BATCH = 1000;

interface Writer {
  stop(): Promise<{ inserts: number; longestWaitMs: number }>;
}

/**
 * The application's writer: inserts into `table` in a loop and keeps the
 * longest wait the server saw (statement received to row produced, so a lock
 * wait counts and the client's own scheduling does not).
 */
async function startWriter(server: PostgresServer, table: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: server.url, application_name: 'app-writer' });
  client.on('error', () => undefined);
  await client.connect();
  let running = true;
  let inserts = 0;
  let longestWaitMs = 0;
  const loop = (async () => {
    while (running) {
      const result = await client.query<{ wait_ms: number }>(
        `INSERT INTO ${table} (source, payload, error_class, error_message, status)
         VALUES ('app', '{"live":true}', 'LiveWrite', 'written during the run', 'discarded')
         RETURNING (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::float8 AS wait_ms`,
      );
      longestWaitMs = Math.max(longestWaitMs, result.rows[0]!.wait_ms);
      inserts += 1;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      return { inserts, longestWaitMs: Math.round(longestWaitMs * 10) / 10 };
    },
  };
}

async function copyTable(pool: pg.Pool, name: string, where: string): Promise<void> {
  await pool.query(`CREATE TABLE ${name} (LIKE dead_letters INCLUDING ALL)`);
  await pool.query(
    `INSERT INTO ${name} OVERRIDING SYSTEM VALUE SELECT * FROM dead_letters WHERE ${where}`,
  );
  // The copied ids are taken: the writer's rows continue after them.
  await pool.query(
    `SELECT setval(pg_get_serial_sequence('${name}', 'id'), (SELECT max(id) FROM ${name}))`,
  );
  await pool.query(`ANALYZE ${name}`);
}

async function replayAllMs(
  t: TestCore,
  environmentId: string,
  table: string,
  filter: Record<string, unknown>,
  target: string,
): Promise<{ ms: number; moved: number; notes: string }> {
  // A source saved just now: nothing about the table is known before "start".
  const source = await t.call('deadletters.sources.save', {
    environmentId,
    source: { name: table, settings: { kind: 'postgres', table } },
  });
  const { planMs, moveMs, job } = await timeJob(t, {
    sourceId: source.id,
    selection: { kind: 'filter', filter },
    target: {
      kind: 'postgres-table',
      table: target,
      payloadColumn: 'body',
      replayIdColumn: 'replay_id',
      originColumn: 'origin',
    },
  });
  return {
    ms: planMs + moveMs,
    moved: job.moved,
    notes: `start ${planMs} ms + moves ${moveMs} ms`,
  };
}

/** The bare move with node-postgres: per transaction, mark 1,000 rows and insert them, keyset by id. */
async function bareMoveMs(pool: pg.Pool, table: string, target: string): Promise<number> {
  const client = await pool.connect();
  const started = performance.now();
  try {
    const bounds = await client.query<{ max: string | null }>(
      `SELECT max(id)::text AS max FROM ${table}`,
    );
    const last = Number(bounds.rows[0]?.max ?? 0);
    for (let from = 0; from < last; from += BASELINE_BATCH) {
      await client.query(
        `WITH moved AS (
           UPDATE ${table} SET status = 'replayed'
            WHERE id > $1 AND id <= $2 AND status = 'pending' RETURNING id, payload)
         INSERT INTO ${target} (body, replay_id, origin)
         SELECT payload::jsonb, 'bare:' || id, '${table}/' || id FROM moved`,
        [from, from + BASELINE_BATCH],
      );
    }
  } finally {
    client.release();
  }
  return performance.now() - started;
}

export async function benchPostgres(entries: number): Promise<BenchRow[]> {
  const server = await startPostgres();
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  pool.on('error', () => undefined);
  const t = await startCore();
  try {
    await migrate(pool);
    for (const queue of ['import_queue', 'baseline_queue', 'scattered_queue', 'selected_queue']) {
      await pool.query(`CREATE TABLE ${queue} (body jsonb NOT NULL, replay_id text, origin text)`);
    }
    for (let i = 0; i < entries; i += 10_000) {
      await insertDeadLetters(
        pool,
        Array.from({ length: Math.min(10_000, entries - i) }, (_, k) => ({
          source: 'import:nightly',
          payload: payload(i + k),
          // Every tenth row is one error class, scattered through the table.
          errorClass: (i + k) % 10 === 3 ? 'SchemaViolation' : 'DuplicateKey',
          errorMessage: 'failed on import',
        })),
      );
    }
    await copyTable(pool, 'baseline_dead_letters', 'true');
    await copyTable(pool, 'scattered_dead_letters', 'true');
    await copyTable(pool, 'selected_dead_letters', `error_class = 'SchemaViolation'`);
    await pool.query('ANALYZE dead_letters');
    const selected = entries / 10;
    const environmentId = await createEnvironment(t, { postgresUrl: server.url });

    let writer = await startWriter(server, 'dead_letters');
    const sluice = await replayAllMs(t, environmentId, 'dead_letters', {}, 'import_queue');
    const sluiceWriter = await writer.stop();
    if (sluice.moved !== entries) throw new Error(`Sluice moved ${sluice.moved} of ${entries}`);

    writer = await startWriter(server, 'baseline_dead_letters');
    const bareMs = await bareMoveMs(pool, 'baseline_dead_letters', 'baseline_queue');
    const bareWriter = await writer.stop();
    const bareMoved = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM baseline_queue',
    );
    if (bareMoved.rows[0]!.n !== entries) throw new Error('the bare move missed rows');

    const scattered = await replayAllMs(
      t,
      environmentId,
      'scattered_dead_letters',
      { errorClasses: ['SchemaViolation'] },
      'scattered_queue',
    );
    const only = await replayAllMs(t, environmentId, 'selected_dead_letters', {}, 'selected_queue');
    if (scattered.moved !== selected || only.moved !== selected) {
      throw new Error(
        `selective replays moved ${scattered.moved} and ${only.moved} of ${selected}`,
      );
    }

    const endToEndNotes = `${sluice.notes}; bare move ${BASELINE_BATCH} rows per transaction (UPDATE ... RETURNING into INSERT ... SELECT)`;
    return [
      {
        adapter: 'PostgreSQL',
        row: 'end to end',
        entries,
        sluice: {
          label: 'Sluice replay all, fresh source, start to done',
          value: Math.round(sluice.ms),
          unit: 'ms',
        },
        baseline: { label: 'bare node-postgres move', value: Math.round(bareMs), unit: 'ms' },
        ratio: bareMs / sluice.ms,
        goal: '>= 0.5',
        notes: endToEndNotes,
      },
      {
        adapter: 'PostgreSQL',
        row: 'selective 10 %',
        entries,
        sluice: {
          label: `Sluice, one error class (every tenth row) of ${entries}`,
          value: Math.round(scattered.ms),
          unit: 'ms',
        },
        baseline: {
          label: `Sluice, a table of only those ${selected} rows`,
          value: Math.round(only.ms),
          unit: 'ms',
        },
        ratio: scattered.ms / only.ms,
        goal: '<= 2',
        notes: `${scattered.notes} against ${only.notes}`,
      },
      {
        adapter: 'PostgreSQL',
        row: 'footprint',
        entries,
        sluice: {
          label: `longest INSERT wait of a concurrent writer during Sluice (${sluiceWriter.inserts} inserts)`,
          value: sluiceWriter.longestWaitMs,
          unit: 'ms',
        },
        baseline: {
          label: `same during the bare move (${bareWriter.inserts} inserts)`,
          value: bareWriter.longestWaitMs,
          unit: 'ms',
        },
        ratio: sluiceWriter.longestWaitMs / Math.max(bareWriter.longestWaitMs, 0.1),
        goal: '<= 50 ms',
        notes: 'measured on the server: statement received to row inserted',
      },
    ];
  } finally {
    await t.cleanup();
    await pool.end();
    await server.stop();
  }
}
