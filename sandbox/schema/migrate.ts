import type pg from 'pg';
import { MIGRATIONS } from './migrations';

/** Any number exclusive to this schema: concurrent migrators wait for each other on it. */
const MIGRATION_LOCK = 738_201_113;

/**
 * Brings the database up to the latest schema. Safe to call from several
 * processes at once and on every start: applied migrations are skipped.
 * Returns the versions it applied.
 */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS sandbox_schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = await client.query<{ version: number }>(
      'SELECT version FROM sandbox_schema_migrations',
    );
    const seen = new Set(done.rows.map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (seen.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO sandbox_schema_migrations (version, name) VALUES ($1, $2)',
          [migration.version, migration.name],
        );
        await client.query('COMMIT');
        applied.push(migration.version);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
