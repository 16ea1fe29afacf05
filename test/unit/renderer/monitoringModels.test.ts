import { describe, expect, it } from 'vitest';
import type { MonitoringConfig, PartitionRow } from '@shared/contract';
import { storedMonitoringConfigSchema } from '@shared/contract';
import {
  emptyRule,
  fromForm,
  toForm,
} from '../../../src-renderer/src/pages/monitoring/configFormModel';
import {
  formatCount,
  formatRate,
  formatSeconds,
  formatSince,
  formatTrend,
} from '../../../src-renderer/src/pages/monitoring/format';
import { sortPartitions } from '../../../src-renderer/src/pages/lag/partitionSort';

describe('monitoring number formats', () => {
  it('counts, rates, trends and durations', () => {
    expect(formatCount(1234567.4)).toBe('1,234,567');
    expect(formatCount(null)).toBe('—');
    expect(formatRate(0.123)).toBe('0.12/s');
    expect(formatRate(12.34)).toBe('12.3/s');
    expect(formatRate(1234.5)).toBe('1235/s');
    expect(formatTrend(3.2)).toBe('+3.20/s');
    expect(formatTrend(-1)).toBe('−1.00/s');
    expect(formatTrend(0.001)).toBe('0/s');
    expect(formatSeconds(0.4)).toBe('0 s');
    expect(formatSeconds(45)).toBe('45 s');
    expect(formatSeconds(600)).toBe('10 min');
    expect(formatSeconds(3 * 3600)).toBe('3.0 h');
    expect(formatSeconds(3 * 86_400)).toBe('3.0 d');
    const at = Date.parse('2025-03-01T10:00:00Z');
    expect(formatSince(new Date(at).toISOString(), at + 180_000)).toMatch(
      /^\d\d:\d\d:\d\d \(3 min ago\)$/,
    );
  });
});

describe('monitoring configuration form model', () => {
  const stored: MonitoringConfig = storedMonitoringConfigSchema.parse({
    pollIntervalMs: 2000,
    timeoutMs: 3000,
    windowSize: 8,
    allowedLag: 5,
    redis: {
      enabled: true,
      intervalMs: null,
      queues: [
        {
          key: 'write_queue',
          deadLetterKey: 'write_queue:dead',
          counters: { hash: 'write_queue:stats', inField: 'queued', outField: null },
        },
      ],
      streams: [{ key: 'events', groups: ['a', 'b'] }],
    },
    kafka: {
      enabled: true,
      intervalMs: 10_000,
      topics: ['job-es-sync', 'other'],
      groups: [{ groupId: 'es-sync', topics: [] }],
      discoverGroups: false,
    },
    postgres: {
      enabled: false,
      intervalMs: null,
      tables: [
        {
          table: 'documents',
          updatedAtColumn: 'updated_at',
          syncedAtColumn: 'es_synced_at',
          filter: null,
        },
      ],
    },
    alerts: [
      {
        id: 'r1',
        kind: 'queue-depth',
        key: 'write_queue',
        above: 100,
        forSeconds: 30,
        enabled: true,
      },
      {
        id: 'r2',
        kind: 'group-status',
        groupId: null,
        atLeast: 'STALL',
        forSeconds: 0,
        enabled: false,
      },
    ],
  });

  it('round-trips a stored configuration through the form unchanged', () => {
    const result = fromForm(toForm(stored));
    expect('config' in result).toBe(true);
    if (!('config' in result)) return;
    expect(storedMonitoringConfigSchema.parse(result.config)).toEqual(stored);
  });

  it('a new rule row has sensible defaults and parses', () => {
    const fresh = toForm(null);
    fresh.rules = [emptyRule('dlq-growth'), emptyRule('source-down')];
    const result = fromForm(fresh);
    expect('config' in result && result.config.alerts).toEqual([
      { enabled: true, kind: 'dlq-growth', key: null, growthAtLeast: 1, withinSeconds: 300 },
      { enabled: true, kind: 'source-down', source: null, forSeconds: 30 },
    ]);
  });

  it('reports what the schema refuses, with the path of the field', () => {
    const form = toForm(stored);
    form.pollSeconds = 'soon';
    form.tables[0]!.updatedAtColumn = 'updated at';
    const result = fromForm(form);
    expect('problems' in result && result.problems.map((p) => p.path)).toEqual([
      'pollIntervalMs',
      'postgres.tables.0.updatedAtColumn',
    ]);
  });
});

describe('partition table sorting', () => {
  const row = (
    partition: number,
    lag: number | null,
    status: PartitionRow['status'],
  ): PartitionRow => ({
    groupId: 'g',
    topic: 't',
    partition,
    committedOffset: lag === null ? null : 100,
    logEndOffset: 100 + (lag ?? 0),
    lag,
    status,
    rule: 'x',
    timeLagSeconds: null,
    secondsToDrain: null,
  });
  const rows = [row(0, 5, 'OK'), row(1, null, 'OK'), row(2, 50, 'STOP'), row(3, 20, 'WARN')];

  it('sorts by lag descending with rows without a commit last', () => {
    expect(sortPartitions(rows, 'lag', true).map((r) => r.partition)).toEqual([2, 3, 0, 1]);
    expect(sortPartitions(rows, 'lag', false).map((r) => r.partition)).toEqual([0, 3, 2, 1]);
  });

  it('sorts statuses by severity', () => {
    expect(sortPartitions(rows, 'status', true).map((r) => r.status)).toEqual([
      'STOP',
      'WARN',
      'OK',
      'OK',
    ]);
  });
});
