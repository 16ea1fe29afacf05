import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditFilter } from '@shared/contract';
import { AuditLog } from '../../../src-main/core/audit/auditLog';
import { filterSql } from '../../../src-main/core/audit/filterSql';
import { openAuditFixture, sampleEntry, type AuditFixture } from './support';

let fx: AuditFixture;

beforeAll(() => {
  fx = openAuditFixture('sluice-audit-query-');
  fx.log.appendMany(Array.from({ length: 3000 }, (_, i) => sampleEntry(i + 1)));
});

afterAll(() => fx.cleanup());

/** What a filter must return, straight from SQL: newest first. */
function expected(filter: AuditFilter): number[] {
  const { where, params } = filterSql(filter);
  return fx.db
    .prepare(`SELECT seq FROM audit_log WHERE ${where} ORDER BY seq DESC`)
    .pluck()
    .all(...params) as number[];
}

/** Follows cursors until the end. */
function allPages(log: AuditLog, filter: AuditFilter, limit: number) {
  const seqs: number[] = [];
  let cursor: number | undefined;
  let pages = 0;
  for (;;) {
    const page = log.query(filter, cursor, limit);
    pages += 1;
    expect(page.records.length).toBeLessThanOrEqual(limit);
    seqs.push(...page.records.map((record) => record.seq));
    if (page.nextCursor === null) return { seqs, pages };
    expect(page.nextCursor).toBeLessThan(cursor ?? Infinity);
    cursor = page.nextCursor;
  }
}

const filters: [string, AuditFilter][] = [
  ['nothing', {}],
  ['action', { action: 'environments.remove' }],
  ['operator and result', { operator: 'bob', result: 'denied' }],
  ['environment', { environment: 'env-2' }],
  ['time range', { from: '2026-03-01T10:00:00Z', to: '2026-03-01T20:00:00+02:00' }],
  ['job id', { jobId: 'job-1230' }],
  ['target substring, any case', { target: 'ORDER 29' }],
  ['target with LIKE wildcards taken literally', { target: '%_' }],
  ['a combination that never occurs', { operator: 'ada', action: 'settings.update' }],
  [
    'everything at once',
    {
      from: '2026-03-01T01:00:00Z',
      to: '2026-03-02T23:00:00Z',
      operator: 'cyd',
      environment: 'env-1',
      result: 'ok',
      target: 'entry',
    },
  ],
];

describe('audit query', () => {
  it.each(filters)('%s: keyset pages add up to exactly the matching records', (_, filter) => {
    const want = expected(filter);
    expect(allPages(fx.log, filter, 7).seqs).toEqual(want);
  });

  it.each(filters)(
    '%s: with a zero time budget and small windows, partial pages still add up',
    (_, filter) => {
      const hurried = new AuditLog(fx.db, { queryBudgetMs: 0, queryWindow: 100 });
      const { seqs, pages } = allPages(hurried, filter, 50);
      expect(seqs).toEqual(expected(filter));
      expect(pages).toBeGreaterThanOrEqual(1);
    },
  );

  it('a filter matching nothing ends at once', () => {
    expect(fx.log.query({ action: 'no.such.action' }, undefined, 10)).toEqual({
      records: [],
      nextCursor: null,
    });
  });

  it('facets list what occurs in the log', () => {
    const facets = fx.log.facets();
    expect(facets.actions).toEqual([
      'audit.export',
      'environments.remove',
      'environments.save',
      'settings.update',
    ]);
    expect(facets.operators).toEqual([
      { osUser: 'ada', displayNames: ['Ada L.'] },
      { osUser: 'bob', displayNames: [] },
      { osUser: 'cyd', displayNames: ['Cyd'] },
    ]);
    expect(facets.environments.map((e) => e.id)).toEqual(['env-0', 'env-1', 'env-2']);
  });
});
