import type { AuditFilter } from '@shared/contract';

export interface FilterCondition {
  sql: string;
  params: (string | number)[];
  /** equality: served by an index with seq as its last key; time: a range of the time index. */
  kind: 'equality' | 'time' | 'substring';
}

export interface FilterSql {
  /** Conditions joined with AND; "1" when the filter is empty. */
  where: string;
  params: (string | number)[];
  conditions: FilterCondition[];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function utcIso(value: string): string {
  return new Date(value).toISOString();
}

/**
 * The WHERE clause of a filter. Each equality uses one of the indexes of
 * migration 002; the target search is a substring match over the targets'
 * JSON (LIKE is case-insensitive for ASCII), which callers bound by seq window.
 */
export function filterSql(filter: AuditFilter): FilterSql {
  const conditions: FilterCondition[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined)
      conditions.push({ sql: `${column} = ?`, params: [value], kind: 'equality' });
  };
  if (filter.from !== undefined) {
    conditions.push({ sql: 'time >= ?', params: [utcIso(filter.from)], kind: 'time' });
  }
  if (filter.to !== undefined) {
    conditions.push({ sql: 'time < ?', params: [utcIso(filter.to)], kind: 'time' });
  }
  equal('os_user', filter.operator);
  equal('environment_id', filter.environment);
  equal('action', filter.action);
  equal('result', filter.result);
  equal('job_id', filter.jobId);
  if (filter.target !== undefined) {
    conditions.push({
      sql: "targets LIKE ? ESCAPE '\\'",
      params: [`%${escapeLike(filter.target)}%`],
      kind: 'substring',
    });
  }
  return {
    where: conditions.length > 0 ? conditions.map((c) => c.sql).join(' AND ') : '1',
    params: conditions.flatMap((c) => c.params),
    conditions,
  };
}

/** Filter as plain words, for report headers. */
export function describeFilter(filter: AuditFilter): [label: string, value: string][] {
  const lines: [string, string][] = [];
  if (filter.from) lines.push(['From (inclusive)', utcIso(filter.from)]);
  if (filter.to) lines.push(['To (exclusive)', utcIso(filter.to)]);
  if (filter.operator) lines.push(['Operator (OS user)', filter.operator]);
  if (filter.environment) lines.push(['Environment id', filter.environment]);
  if (filter.action) lines.push(['Action', filter.action]);
  if (filter.result) lines.push(['Result', filter.result]);
  if (filter.target) lines.push(['Target contains', filter.target]);
  if (filter.jobId) lines.push(['Job id', filter.jobId]);
  return lines;
}
