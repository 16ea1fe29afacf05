import type pg from 'pg';

/** Rows written but not yet in the search index (matches documents_sync_gap_idx's predicate). */
export const SYNC_GAP_CONDITION = '(es_synced_at IS NULL OR updated_at > es_synced_at)';

export async function countSyncGap(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM documents WHERE ${SYNC_GAP_CONDITION}`,
  );
  return Number(result.rows[0]?.n ?? 0);
}
