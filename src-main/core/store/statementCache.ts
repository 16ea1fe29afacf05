import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

/**
 * Prepared statements kept per SQL text: preparing costs more than running a
 * small statement, and batch loops run the same few thousands of times.
 */
export class StatementCache {
  private readonly prepared = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

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
