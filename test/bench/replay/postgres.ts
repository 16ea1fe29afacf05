import pg from 'pg';
import { insertDeadLetters, migrate } from '../../../sandbox/schema';
import { startPostgres } from '../../../sandbox/servers';
import { createEnvironment, startCore } from '../../integration/deadletters/harness';
import { type Figure, payload, rate, timeJob } from './common';

export async function benchPostgres(entries: number): Promise<Figure> {
  const server = await startPostgres();
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  pool.on('error', () => undefined);
  const t = await startCore();
  try {
    await migrate(pool);
    await pool.query(
      'CREATE TABLE import_queue (body jsonb NOT NULL, replay_id text, origin text)',
    );
    await pool.query(
      'CREATE TABLE baseline_queue (body jsonb NOT NULL, replay_id text, origin text)',
    );
    const payloads = Array.from({ length: entries }, (_, i) => payload(i));
    for (let i = 0; i < entries; i += 10_000) {
      await insertDeadLetters(
        pool,
        payloads.slice(i, i + 10_000).map((p) => ({
          source: 'import:nightly',
          payload: p,
          errorClass: 'DuplicateKey',
          errorMessage: 'duplicate key',
        })),
      );
    }
    const environmentId = await createEnvironment(t, { postgresUrl: server.url });
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'imports', settings: { kind: 'postgres', table: 'dead_letters' } },
    });
    const { planMs, moveMs, job } = await timeJob(t, {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
      target: {
        kind: 'postgres-table',
        table: 'import_queue',
        payloadColumn: 'body',
        replayIdColumn: 'replay_id',
        originColumn: 'origin',
      },
    });
    if (job.moved !== entries)
      throw new Error(`PostgreSQL replay moved ${job.moved} of ${entries}`);

    const client = await pool.connect();
    const baselineStart = Date.now();
    try {
      for (let i = 0; i < entries; i += 500) {
        const batch = payloads.slice(i, i + 500);
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO baseline_queue (body, replay_id, origin)
           SELECT u.p::jsonb, u.r, u.o FROM unnest($1::text[], $2::text[], $3::text[]) AS u(p, r, o)`,
          [batch, batch.map((_, k) => `r:${i + k}`), batch.map((_, k) => `o/${i + k}`)],
        );
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
    const baselineMs = Date.now() - baselineStart;
    return {
      name: 'PostgreSQL table -> table',
      entries,
      replayPerSecond: rate(entries, moveMs),
      baselineName: 'INSERT ... SELECT unnest(), 500 per transaction',
      baselinePerSecond: rate(entries, baselineMs),
      goal: 0,
      references: [],
      notes: `plan ${planMs} ms, moves ${moveMs} ms; each batch also marks its dead letters in the same transaction`,
    };
  } finally {
    await t.cleanup();
    await pool.end();
    await server.stop();
  }
}
