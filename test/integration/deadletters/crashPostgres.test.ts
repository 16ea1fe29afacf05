import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDeadLetters, migrate } from '../../../sandbox/schema';
import { startPostgres, type PostgresServer } from '../../../sandbox/servers';
import { makeTempDir } from '../../support/tempDir';
import { runReplayProcess } from './childProcess';
import { createEnvironment, startCore } from './harness';

const TOTAL = 100_000;
let server: PostgresServer;
let pool: pg.Pool;
const temp = makeTempDir('sluice-dl-crash-pg-');

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 2 });
  pool.on('error', () => undefined);
  await migrate(pool);
  await pool.query(`CREATE TABLE import_queue (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body jsonb NOT NULL,
    replay_id text NOT NULL,
    origin text NOT NULL
  )`);
});

afterAll(async () => {
  await pool?.end();
  await server?.stop();
  temp.cleanup();
});

describe('a PostgreSQL replay survives SIGKILL of the process running it', () => {
  it('resumes after a restart; every row ends exactly once, still dead or delivered', async () => {
    for (let i = 0; i < TOTAL; i += 10_000) {
      await insertDeadLetters(
        pool,
        Array.from({ length: 10_000 }, (_, k) => ({
          source: 'import:nightly',
          payload: JSON.stringify({ id: `d-${i + k}`, title: `Document ${i + k}` }),
          errorClass: 'DuplicateKey',
          errorMessage: `duplicate key d-${i + k}`,
        })),
      );
    }
    const setup = await startCore(temp.dir);
    const environmentId = await createEnvironment(setup, { postgresUrl: server.url });
    const source = await setup.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'imports', settings: { kind: 'postgres', table: 'dead_letters' } },
    });
    await setup.close();

    const request = {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
      target: {
        kind: 'postgres-table',
        table: 'import_queue',
        payloadColumn: 'body',
        replayIdColumn: 'replay_id',
        originColumn: 'origin',
      },
      ratePerSecond: 20_000,
    };
    const first = runReplayProcess(temp.dir, 'start', request);
    const jobId = await first.jobId;
    const before = await first.movedAtLeast(30_000);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(before.moved).toBeLessThan(TOTAL);

    const second = runReplayProcess(temp.dir, 'resume');
    const done = await second.done;
    await second.exited;
    expect(done).toMatchObject({ id: jobId, status: 'COMPLETED', failed: 0 });
    // A batch in flight at the kill either committed (then found nothing pending: skipped) or not.
    expect(done.moved + done.skipped).toBe(TOTAL);

    const check = await pool.query<{ problems: string; replayed: string; delivered: string }>(`
      WITH delivered AS (
        SELECT split_part(origin, '/', 2)::bigint AS id, count(*) AS copies
          FROM import_queue GROUP BY 1
      )
      SELECT
        (SELECT count(*) FROM dead_letters d LEFT JOIN delivered q ON q.id = d.id
          WHERE (d.status = 'pending' AND q.id IS NOT NULL)
             OR (d.status = 'replayed' AND (q.copies IS NULL OR q.copies <> 1))
             OR d.status NOT IN ('pending', 'replayed')) AS problems,
        (SELECT count(*) FROM dead_letters WHERE status = 'replayed') AS replayed,
        (SELECT count(*) FROM import_queue) AS delivered`);
    expect(check.rows[0]).toEqual({
      problems: '0',
      replayed: String(TOTAL),
      delivered: String(TOTAL),
    });
    const ids = await pool.query<{ n: string }>(
      `SELECT count(DISTINCT replay_id) AS n FROM import_queue WHERE replay_id LIKE $1`,
      [`${jobId}:%`],
    );
    expect(ids.rows[0]!.n).toBe(String(TOTAL));
  }, 300_000);
});
