import type { Statement } from 'better-sqlite3';
import type { BrowseFilter, ReasonGroup } from '@shared/contract';
import type { Db } from '../../store/database';
import { StatementCache } from '../../store/statementCache';
import type { IndexedEntry, IndexListRow, IndexRow } from './entryRows';
import { whereFor } from './indexFilter';
import { offsetRuns } from './offsetRuns';

export type { IndexedEntry, IndexListRow, IndexRow } from './entryRows';

/** A full row: the narrow entry and its bytes. */
const FULL_ROW = `SELECT e.*, b.raw, b.record_key, b.headers_json
  FROM dl_entries e JOIN dl_entry_bytes b ON b.id = e.id`;

/** Shorter runs of consecutive offsets cost less in an IN list than as a statement of their own. */
const MIN_RANGE_RUN = 4;

const LIST_COLUMNS = `id, pos, partition, "offset", record_ts, external_id, error_class, reason,
  origin, first_failed_at, last_failed_at, attempts, size, resolved_kind, resolved_at,
  resolved_reason`;

/**
 * The local index of Redis-list and Kafka-topic dead letters in SQLite:
 * filters, full-text search, grouping and paging by offset, with the entry
 * bytes kept so replay and detail need no extra round trip.
 */
export class EntryIndex {
  private readonly statements: StatementCache;

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
  }

  private statement(sql: string): Statement {
    return this.statements.get(sql);
  }

  insert(sourceId: string, entries: readonly IndexedEntry[]): number[] {
    const insertEntry = this.statement(
      `INSERT INTO dl_entries (source_id, pos, hash, partition, "offset", record_ts, external_id,
         error_class, reason, origin, first_failed_at, last_failed_at, attempts, size)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertBytes = this.statement(
      'INSERT INTO dl_entry_bytes (id, raw, record_key, headers_json) VALUES (?, ?, ?, ?)',
    );
    const insertText = this.statement('INSERT INTO dl_entries_fts (rowid, body) VALUES (?, ?)');
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const e of entries) {
        const result = insertEntry.run(
          sourceId,
          e.pos,
          e.hash,
          e.partition,
          e.offset,
          e.recordTs,
          e.externalId,
          e.errorClass,
          e.reason,
          e.origin,
          e.firstFailedAt,
          e.lastFailedAt,
          e.attempts,
          e.size,
        );
        const id = Number(result.lastInsertRowid);
        insertBytes.run(id, e.raw, e.recordKey, e.headersJson);
        ids.push(id);
        if (e.searchText !== '') insertText.run(id, e.searchText);
      }
    })();
    return ids;
  }

  deleteIds(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (let i = 0; i < ids.length; i += 500) {
        const slice = ids.slice(i, i + 500);
        const list = slice.map(() => '?').join(', ');
        this.statement(`DELETE FROM dl_entries_fts WHERE rowid IN (${list})`).run(...slice);
        this.statement(`DELETE FROM dl_entry_bytes WHERE id IN (${list})`).run(...slice);
        this.statement(`DELETE FROM dl_entries WHERE id IN (${list})`).run(...slice);
      }
    })();
  }

  /**
   * Removes up to `limit` resolved entries of a source (Redis: entries that
   * left the list, kept as tombstones until now so moves stay cheap).
   * Returns how many it removed.
   */
  purgeResolved(sourceId: string, limit: number): number {
    const ids = this.statement(
      'SELECT id FROM dl_entries WHERE source_id = ? AND resolved_kind IS NOT NULL LIMIT ?',
    )
      .pluck()
      .all(sourceId, limit) as number[];
    this.deleteIds(ids);
    return ids.length;
  }

  /** Forgets every entry of a source (its settings changed, or it was removed). */
  clear(sourceId: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'DELETE FROM dl_entries_fts WHERE rowid IN (SELECT id FROM dl_entries WHERE source_id = ?)',
        )
        .run(sourceId);
      this.db
        .prepare(
          'DELETE FROM dl_entry_bytes WHERE id IN (SELECT id FROM dl_entries WHERE source_id = ?)',
        )
        .run(sourceId);
      this.db.prepare('DELETE FROM dl_entries WHERE source_id = ?').run(sourceId);
      this.db.prepare('DELETE FROM dl_index_state WHERE source_id = ?').run(sourceId);
    })();
  }

  size(sourceId: string, includeResolved: boolean): number {
    const sql = includeResolved
      ? 'SELECT count(*) AS n FROM dl_entries WHERE source_id = ?'
      : 'SELECT count(*) AS n FROM dl_entries WHERE source_id = ? AND resolved_kind IS NULL';
    return (this.db.prepare(sql).get(sourceId) as { n: number }).n;
  }

  /** The entry at one end of the order: lowest pos (first) or highest (last). */
  end(sourceId: string, which: 'first' | 'last'): Pick<IndexRow, 'id' | 'pos' | 'hash'> | null {
    const order = which === 'first' ? 'ASC' : 'DESC';
    const row = this.db
      .prepare(
        `SELECT id, pos, hash FROM dl_entries WHERE source_id = ? AND resolved_kind IS NULL
          ORDER BY pos ${order} LIMIT 1`,
      )
      .get(sourceId) as Pick<IndexRow, 'id' | 'pos' | 'hash'> | undefined;
    return row ?? null;
  }

  page(
    sourceId: string,
    filter: BrowseFilter,
    order: 'asc' | 'desc',
    offset: number,
    limit: number,
    knownTotal?: number,
  ): { rows: IndexListRow[]; total: number } {
    const where = whereFor(sourceId, filter, filter.showResolved);
    const total =
      knownTotal ??
      (
        this.statement(`SELECT count(*) AS n FROM dl_entries WHERE ${where.sql}`).get(
          ...where.params,
        ) as { n: number }
      ).n;
    // A key matches a few entries: find them by their index and sort them
    // ("+pos" keeps the planner from walking the whole order instead).
    const selective = filter.key.trim() !== '';
    const rows = this.statement(
      `SELECT ${LIST_COLUMNS} FROM dl_entries WHERE ${where.sql}
        ORDER BY ${selective ? '+pos' : 'pos'} ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`,
    ).all(...where.params, limit, offset) as IndexListRow[];
    return { rows, total };
  }

  count(sourceId: string, filter: BrowseFilter): number {
    const where = whereFor(sourceId, filter, filter.showResolved);
    return (
      this.db
        .prepare(`SELECT count(*) AS n FROM dl_entries WHERE ${where.sql}`)
        .get(...where.params) as { n: number }
    ).n;
  }

  topReasons(sourceId: string, filter: BrowseFilter, limit: number): ReasonGroup[] {
    const where = whereFor(sourceId, filter, filter.showResolved);
    // Grouped on the class index alone; one sample reason per group afterwards.
    const groups = this.statement(
      `SELECT error_class AS errorClass, count(*) AS count FROM dl_entries WHERE ${where.sql}
        GROUP BY error_class ORDER BY count DESC, errorClass LIMIT ?`,
    ).all(...where.params, limit + 1) as { errorClass: string | null; count: number }[];
    const merged = new Map<string | null, number>();
    for (const group of groups) {
      const name = group.errorClass === '' ? null : group.errorClass;
      merged.set(name, (merged.get(name) ?? 0) + group.count);
    }
    const sample = this.statement(
      `SELECT reason FROM dl_entries WHERE ${where.sql}
         AND (error_class = ? OR (? IS NULL AND (error_class IS NULL OR error_class = '')))
         AND reason IS NOT NULL LIMIT 1`,
    );
    return [...merged.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([errorClass, count]) => ({
        errorClass,
        count,
        sampleReason:
          (sample.pluck().get(...where.params, errorClass, errorClass) as string | undefined) ??
          null,
      }));
  }

  /** Ids of every matching entry, in order (ids only: the bytes are read in chunks). */
  matchingIds(sourceId: string, filter: BrowseFilter, order: 'asc' | 'desc'): number[] {
    const where = whereFor(sourceId, filter, filter.showResolved);
    return this.db
      .prepare(
        `SELECT id FROM dl_entries WHERE ${where.sql} ORDER BY pos ${order === 'asc' ? 'ASC' : 'DESC'}`,
      )
      .pluck()
      .all(...where.params) as number[];
  }

  /**
   * The next `limit` matching entries (bytes included) after a keyset position,
   * in order: (pos, id) strictly beyond `after`. For filters without words;
   * a word search re-runs its MATCH per call, so it goes through matchingIds.
   */
  matchingAfter(
    sourceId: string,
    filter: BrowseFilter,
    order: 'asc' | 'desc',
    after: { pos: number; id: number } | null,
    limit: number,
  ): IndexRow[] {
    const where = whereFor(sourceId, filter, filter.showResolved, 'e.');
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const beyond = after === null ? '' : ` AND (e.pos, e.id) ${order === 'asc' ? '>' : '<'} (?, ?)`;
    return this.statement(
      `${FULL_ROW} WHERE ${where.sql}${beyond} ORDER BY e.pos ${direction}, e.id ${direction} LIMIT ?`,
    ).all(...where.params, ...(after === null ? [] : [after.pos, after.id]), limit) as IndexRow[];
  }

  /** Full rows for ids, in the order given; missing ids are left out. */
  byIds(sourceId: string, ids: readonly number[]): IndexRow[] {
    if (ids.length === 0) return [];
    const found = new Map<number, IndexRow>();
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      const rows = this.statement(
        `${FULL_ROW} WHERE e.source_id = ? AND e.id IN (${slice.map(() => '?').join(', ')})`,
      ).all(sourceId, ...slice) as IndexRow[];
      for (const row of rows) found.set(row.id, row);
    }
    return ids.map((id) => found.get(id)).filter((row): row is IndexRow => row !== undefined);
  }

  byId(sourceId: string, id: number): IndexRow | null {
    const row = this.statement(`${FULL_ROW} WHERE e.source_id = ? AND e.id = ?`).get(
      sourceId,
      id,
    ) as IndexRow | undefined;
    return row ?? null;
  }

  byRecord(sourceId: string, partition: number, offset: number): IndexRow | null {
    const row = this.statement(
      `${FULL_ROW} WHERE e.source_id = ? AND e.partition = ? AND e."offset" = ?`,
    ).get(sourceId, partition, offset) as IndexRow | undefined;
    return row ?? null;
  }

  markResolved(
    ids: readonly number[],
    kind: 'replayed' | 'discarded',
    reason: string | null,
    at: string,
  ): void {
    this.db.transaction(() => {
      for (let i = 0; i < ids.length; i += 500) {
        const slice = ids.slice(i, i + 500);
        this.statement(
          `UPDATE dl_entries SET resolved_kind = ?, resolved_at = ?, resolved_reason = ?
            WHERE id IN (${slice.map(() => '?').join(', ')}) AND resolved_kind IS NULL`,
        ).run(kind, at, reason, ...slice);
      }
    })();
  }

  /**
   * Kafka: marks records by partition and offset (no need to read them first).
   * A replay batch is mostly runs of consecutive offsets per partition: each
   * run is one range UPDATE (every offset in it was asked for, so the range
   * matches exactly those records); scattered offsets go in IN lists.
   */
  markRecordsResolved(
    sourceId: string,
    records: readonly { partition: number; offset: number }[],
    kind: 'replayed' | 'discarded',
    reason: string | null,
    at: string,
  ): void {
    const { runs, scattered } = offsetRuns(records, MIN_RANGE_RUN);
    const range = this.statement(
      `UPDATE dl_entries SET resolved_kind = ?, resolved_at = ?, resolved_reason = ?
        WHERE source_id = ? AND partition = ? AND "offset" BETWEEN ? AND ?
          AND resolved_kind IS NULL`,
    );
    this.db.transaction(() => {
      for (const run of runs) {
        range.run(kind, at, reason, sourceId, run.partition, run.first, run.last);
      }
      for (const [partition, offsets] of scattered) {
        for (let i = 0; i < offsets.length; i += 500) {
          const slice = offsets.slice(i, i + 500);
          this.statement(
            `UPDATE dl_entries SET resolved_kind = ?, resolved_at = ?, resolved_reason = ?
              WHERE source_id = ? AND partition = ? AND "offset" IN (${slice.map(() => '?').join(', ')})
                AND resolved_kind IS NULL`,
          ).run(kind, at, reason, sourceId, partition, ...slice);
        }
      }
    })();
  }

  syncedAt(sourceId: string): string | null {
    const row = this.db
      .prepare('SELECT synced_at FROM dl_index_state WHERE source_id = ?')
      .get(sourceId) as { synced_at: string | null } | undefined;
    return row?.synced_at ?? null;
  }

  offsets(sourceId: string): Record<string, number> {
    const row = this.db
      .prepare('SELECT offsets_json FROM dl_index_state WHERE source_id = ?')
      .get(sourceId) as { offsets_json: string | null } | undefined;
    return row?.offsets_json ? (JSON.parse(row.offsets_json) as Record<string, number>) : {};
  }

  recordSync(sourceId: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO dl_index_state (source_id, synced_at) VALUES (?, ?)
         ON CONFLICT (source_id) DO UPDATE SET synced_at = excluded.synced_at`,
      )
      .run(sourceId, at);
  }

  /** Kafka: the next offset to read per partition. */
  recordOffsets(sourceId: string, offsets: Record<string, number>): void {
    this.db
      .prepare(
        `INSERT INTO dl_index_state (source_id, offsets_json) VALUES (?, ?)
         ON CONFLICT (source_id) DO UPDATE SET offsets_json = excluded.offsets_json`,
      )
      .run(sourceId, JSON.stringify(offsets));
  }

  /** Kafka: resolved entries per partition at or above an offset, for counts. */
  resolvedFrom(sourceId: string, partition: number, offset: number): number {
    return this.db
      .prepare(
        `SELECT count(*) FROM dl_entries WHERE source_id = ? AND partition = ? AND "offset" >= ?
           AND resolved_kind IS NOT NULL`,
      )
      .pluck()
      .get(sourceId, partition, offset) as number;
  }

  /** Runs fn in one SQLite transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  get database(): Db {
    return this.db;
  }
}

export { NO_ERROR_CLASS, ftsQuery } from './indexFilter';
