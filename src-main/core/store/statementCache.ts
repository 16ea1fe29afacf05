import type { Statement } from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { Db } from './database';

/** Enough for every fixed statement and the filter shapes one screen uses. */
export const DEFAULT_STATEMENT_LIMIT = 200;

/**
 * Prepared statements kept per SQL text: preparing costs more than running a
 * small statement, and batch loops run the same few thousands of times.
 * Callers generate SQL from filters (the audit and entry-index queries), so
 * the number of distinct texts has no bound; a least-recently-used cache
 * (lru-cache) keeps the hot ones and lets a dropped statement be collected.
 */
export class StatementCache {
  private readonly prepared: LRUCache<string, Statement>;

  constructor(
    private readonly db: Db,
    limit: number = DEFAULT_STATEMENT_LIMIT,
  ) {
    this.prepared = new LRUCache<string, Statement>({ max: limit });
  }

  /** How many statements are kept now (at most the limit). */
  get size(): number {
    return this.prepared.size;
  }

  /** The statement for this SQL text, prepared on first use. */
  get(sql: string): Statement {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Like get(), returning rows as arrays (cheaper than objects on hot paths). */
  rows(sql: string): Statement {
    const key = `rows:${sql}`;
    let statement = this.prepared.get(key);
    if (!statement) {
      statement = this.db.prepare(sql).raw(true);
      this.prepared.set(key, statement);
    }
    return statement;
  }
}
