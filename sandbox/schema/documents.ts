import type pg from 'pg';
import { inTransaction } from '@shared/pg/inTransaction';
import { isDocumentError } from '../common/errors';
import { OUTBOX_CHANNEL } from '../common/names';
import type { Write } from './document';

/**
 * Keeps the last write of each key, in queue order. One INSERT ... ON CONFLICT
 * cannot touch the same row twice, and only the last value of a key survives
 * the batch anyway.
 */
export function lastWritePerKey(writes: readonly Write[]): Write[] {
  const byKey = new Map<string, Write>();
  for (const write of writes) {
    byKey.delete(write.key);
    byKey.set(write.key, write);
  }
  return [...byKey.values()];
}

// One statement: upsert the documents, and add an outbox row for each one that changed.
// A write already applied (same last_write_id, replayed after a crash) changes nothing.
const UPSERT_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::jsonb[], $3::text[]) AS t(id, body, write_id)
), changed AS (
  INSERT INTO documents AS d (id, body, version, created_at, updated_at, last_write_id)
  SELECT id, body, 1, now(), now(), write_id FROM input
  ON CONFLICT (id) DO UPDATE
    SET body = EXCLUDED.body,
        version = d.version + 1,
        updated_at = now(),
        indexed = false,
        last_write_id = EXCLUDED.last_write_id
    WHERE d.last_write_id IS DISTINCT FROM EXCLUDED.last_write_id
  RETURNING d.id, d.version
)
INSERT INTO outbox (document_id, version) SELECT id, version FROM changed
RETURNING document_id`;

/**
 * Upserts writes (distinct keys) and their outbox rows in the caller's
 * transaction, and raises the outbox notification, which PostgreSQL delivers
 * only when that transaction commits. Returns how many documents changed.
 */
export async function upsertDocuments(
  client: pg.ClientBase,
  writes: readonly Write[],
): Promise<number> {
  if (writes.length === 0) return 0;
  const result = await client.query(UPSERT_SQL, [
    writes.map((write) => write.key),
    writes.map((write) => JSON.stringify(write.value)),
    writes.map((write) => write.id),
  ]);
  if ((result.rowCount ?? 0) > 0) await client.query(`NOTIFY ${OUTBOX_CHANNEL}`);
  return result.rowCount ?? 0;
}

/** Upserts writes (distinct keys) in one transaction of their own. */
export function upsertInTransaction(pool: pg.Pool, writes: readonly Write[]): Promise<number> {
  return inTransaction(pool, (client) => upsertDocuments(client, writes));
}

export interface Isolation<T> {
  committed: T[];
  rejected: { item: T; error: unknown }[];
}

/**
 * Applies items in one call; when PostgreSQL refuses the data of one of them
 * (isDocumentError), splits the items in halves until the refused ones stand
 * alone, so one bad document does not sink its batch. Any other error (the
 * server is unreachable, timed out, refused the login) concerns the whole
 * batch: it propagates, and `into` holds what was already committed.
 */
export async function applyIsolating<T>(
  items: readonly T[],
  apply: (items: readonly T[]) => Promise<unknown>,
  into: Isolation<T> = { committed: [], rejected: [] },
): Promise<Isolation<T>> {
  if (items.length === 0) return into;
  try {
    await apply(items);
    into.committed.push(...items);
    return into;
  } catch (error) {
    if (!isDocumentError(error)) throw error;
    if (items.length === 1) {
      into.rejected.push({ item: items[0]!, error });
      return into;
    }
    const middle = Math.ceil(items.length / 2);
    await applyIsolating(items.slice(0, middle), apply, into);
    await applyIsolating(items.slice(middle), apply, into);
    return into;
  }
}
