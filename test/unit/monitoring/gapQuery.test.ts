import { describe, expect, it } from 'vitest';
import { monitoringConfigSchema, gapTableConfigSchema } from '@shared/contract';
import {
  findGapIndex,
  gapQuery,
  quoteTable,
  suggestIndex,
  summarisePlan,
} from '../../../src-main/core/monitoring/postgres/gapQuery';
import { checkRuleTargets, withRuleIds } from '../../../src-main/core/monitoring/configRepository';

const documents = gapTableConfigSchema.parse({
  table: 'public.documents',
  updatedAtColumn: 'updated_at',
  syncedAtColumn: 'es_synced_at',
});

describe('sync gap query', () => {
  it('quotes validated identifiers and builds count and oldest age in one query', () => {
    expect(quoteTable('public.documents')).toBe('"public"."documents"');
    expect(gapQuery(documents)).toBe(
      'SELECT count(*)::bigint AS gap, EXTRACT(EPOCH FROM (now() - min("updated_at")))::float8 AS oldest_age_seconds ' +
        'FROM "public"."documents" WHERE ("es_synced_at" IS NULL OR "updated_at" > "es_synced_at")',
    );
    const filtered = gapTableConfigSchema.parse({ ...documents, filter: "tenant = 'a'" });
    expect(gapQuery(filtered)).toMatch(/ AND \(tenant = 'a'\)$/);
  });

  it('rejects names and filters that could change the statement', () => {
    const bad = [
      { table: 'documents"; DROP TABLE x; --' },
      { table: 'a.b.c' },
      { updatedAtColumn: 'updated at' },
      { syncedAtColumn: 'x"y' },
      { filter: '1=1; DELETE FROM documents' },
      { filter: 'true -- comment' },
      { filter: 'true /* c */' },
      { filter: 'a) OR (b' },
    ];
    for (const change of bad) {
      expect(
        gapTableConfigSchema.safeParse({ ...documents, ...change }).success,
        JSON.stringify(change),
      ).toBe(false);
    }
    expect(() => quoteTable('x"y')).toThrow();
  });

  it('suggests a partial index on the gap condition', () => {
    expect(suggestIndex(documents)).toBe(
      'CREATE INDEX CONCURRENTLY "documents_updated_at_sync_gap_idx" ON "public"."documents" ("updated_at") ' +
        'WHERE "es_synced_at" IS NULL OR "updated_at" > "es_synced_at";',
    );
  });

  it('reads the plan: total cost, node types, and whether the table is scanned sequentially', () => {
    const seq = [
      {
        Plan: {
          'Node Type': 'Aggregate',
          'Total Cost': 1943.01,
          Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'documents', 'Total Cost': 1800 }],
        },
      },
    ];
    expect(summarisePlan(seq, documents)).toEqual({
      totalCost: 1943.01,
      nodeTypes: ['Aggregate', 'Seq Scan'],
      seqScan: true,
    });
    const indexed = [
      {
        Plan: {
          'Node Type': 'Aggregate',
          'Total Cost': 8.3,
          Plans: [{ 'Node Type': 'Index Only Scan', 'Relation Name': 'documents' }],
        },
      },
    ];
    expect(summarisePlan(indexed, documents).seqScan).toBe(false);
    expect(() => summarisePlan([], documents)).toThrow();
  });

  it('recognises an existing partial index on the gap condition', () => {
    expect(
      findGapIndex(
        [
          { name: 'documents_pkey', predicate: null },
          { name: 'documents_updated_idx', predicate: null },
          {
            name: 'documents_sync_gap_idx',
            predicate: '((es_synced_at IS NULL) OR (updated_at > es_synced_at))',
          },
        ],
        documents,
      ),
    ).toBe('documents_sync_gap_idx');
    expect(findGapIndex([{ name: 'other', predicate: '(deleted IS NULL)' }], documents)).toBeNull();
  });
});

describe('monitoring configuration', () => {
  it('fills defaults: 5 s polls, a window of 10, no lag allowed', () => {
    const config = monitoringConfigSchema.parse({});
    expect(config).toMatchObject({
      pollIntervalMs: 5000,
      windowSize: 10,
      allowedLag: 0,
      redis: { enabled: true, queues: [], streams: [] },
      kafka: { discoverGroups: true, topics: [], groups: [] },
      postgres: { tables: [] },
      alerts: [],
    });
  });

  it('gives every rule an id, keeping ids that were given and replacing duplicates', () => {
    const parsed = monitoringConfigSchema.parse({
      redis: { queues: [{ key: 'q' }] },
      alerts: [
        { kind: 'queue-depth', key: 'q', above: 5 },
        { id: 'keep-me', kind: 'group-status' },
        { id: 'keep-me', kind: 'gap-age', aboveSeconds: 60 },
      ],
    });
    const config = withRuleIds(parsed);
    const ids = config.alerts.map((rule) => rule.id);
    expect(ids[1]).toBe('keep-me');
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id))).toBe(true);
  });

  it('refuses rules about queues or tables it does not watch', () => {
    const config = withRuleIds(
      monitoringConfigSchema.parse({
        redis: { queues: [{ key: 'q', deadLetterKey: 'q:dead' }] },
        alerts: [
          { kind: 'queue-depth', key: 'other', above: 5 },
          { kind: 'dlq-growth', key: 'q:dead' },
          { kind: 'gap-age', table: 'documents', aboveSeconds: 1 },
        ],
      }),
    );
    try {
      checkRuleTargets(config);
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as { code?: string }).code).toBe('INVALID_INPUT');
      const issues = (error as { details: { issues: { path: string[] }[] } }).details.issues;
      expect(issues.map((i) => i.path.join('.'))).toEqual([
        'config.alerts.0.key',
        'config.alerts.2.table',
      ]);
    }
  });
});
