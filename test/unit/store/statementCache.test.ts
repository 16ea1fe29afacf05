import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_STATEMENT_LIMIT,
  StatementCache,
} from '../../../src-main/core/store/statementCache';

let db: Database.Database;

beforeEach(() => {
  db = new Database(':memory:');
  db.exec('CREATE TABLE t (a INTEGER, b TEXT)');
});

afterEach(() => db.close());

describe('StatementCache', () => {
  it('prepares a SQL text once and returns the same statement', () => {
    const cache = new StatementCache(db);
    const first = cache.get('SELECT a FROM t WHERE a = ?');
    expect(cache.get('SELECT a FROM t WHERE a = ?')).toBe(first);
    expect(cache.rows('SELECT a FROM t WHERE a = ?')).not.toBe(first);
    expect(cache.size).toBe(2);
  });

  it('keeps at most its limit, dropping the least recently used', () => {
    const cache = new StatementCache(db, 3);
    const hot = cache.get('SELECT 0 FROM t');
    for (let i = 1; i <= 50; i += 1) {
      cache.get(`SELECT ${i} FROM t`);
      cache.get('SELECT 0 FROM t');
      expect(cache.size).toBeLessThanOrEqual(3);
    }
    expect(cache.get('SELECT 0 FROM t')).toBe(hot);
    const early = cache.get('SELECT 1 FROM t');
    expect(cache.get('SELECT 1 FROM t')).toBe(early);
    expect(cache.size).toBe(3);
  });

  it('is bounded by default when callers generate SQL from filters', () => {
    const cache = new StatementCache(db);
    for (let i = 0; i < DEFAULT_STATEMENT_LIMIT * 3; i += 1) {
      cache.get(`SELECT a FROM t WHERE a > ${i}`).all();
    }
    expect(cache.size).toBe(DEFAULT_STATEMENT_LIMIT);
  });
});
