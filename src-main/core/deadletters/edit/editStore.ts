import type { Db } from '../../store/database';

export interface SavedEdit {
  payload: Buffer;
  editedAt: string;
  operator: string;
}

/** Corrected payloads, kept in Sluice until the entry is replayed or the edit reverted. */
export class EditStore {
  constructor(private readonly db: Db) {}

  get(sourceId: string, key: string): SavedEdit | null {
    const row = this.db
      .prepare(
        'SELECT payload, edited_at, operator FROM dl_edits WHERE source_id = ? AND entry_key = ?',
      )
      .get(sourceId, key) as { payload: Buffer; edited_at: string; operator: string } | undefined;
    return row ? { payload: row.payload, editedAt: row.edited_at, operator: row.operator } : null;
  }

  all(sourceId: string): Map<string, Buffer> {
    const rows = this.db
      .prepare('SELECT entry_key, payload FROM dl_edits WHERE source_id = ?')
      .all(sourceId) as { entry_key: string; payload: Buffer }[];
    return new Map(rows.map((row) => [row.entry_key, row.payload]));
  }

  keys(sourceId: string, keys: readonly string[]): Set<string> {
    if (keys.length === 0) return new Set();
    const rows = this.db
      .prepare(
        `SELECT entry_key FROM dl_edits WHERE source_id = ? AND entry_key IN (${keys.map(() => '?').join(', ')})`,
      )
      .pluck()
      .all(sourceId, ...keys) as string[];
    return new Set(rows);
  }

  save(sourceId: string, key: string, payload: Buffer, operator: string): void {
    this.db
      .prepare(
        `INSERT INTO dl_edits (source_id, entry_key, payload, edited_at, operator) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (source_id, entry_key) DO UPDATE SET payload = excluded.payload,
           edited_at = excluded.edited_at, operator = excluded.operator`,
      )
      .run(sourceId, key, payload, new Date().toISOString(), operator);
  }

  remove(sourceId: string, keys: readonly string[]): void {
    const remove = this.db.prepare('DELETE FROM dl_edits WHERE source_id = ? AND entry_key = ?');
    this.db.transaction(() => {
      for (const key of keys) remove.run(sourceId, key);
    })();
  }
}
