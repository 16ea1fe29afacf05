import type { AuditFilter } from '../../../src-preload/contract';

export interface FilterSql {
  /** Conditions joined with AND; "1" when the filter is empty. */
  where: string;
  params: (string | number)[];
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
  const conditions: string[] = [];
  const params: (string | number)[] = [];
  if (filter.from !== undefined) {
    conditions.push('time >= ?');
    params.push(utcIso(filter.from));
  }
  if (filter.to !== undefined) {
    conditions.push('time < ?');
    params.push(utcIso(filter.to));
  }
  if (filter.operator !== undefined) {
    conditions.push('os_user = ?');
    params.push(filter.operator);
  }
  if (filter.environment !== undefined) {
    conditions.push('environment_id = ?');
    params.push(filter.environment);
  }
  if (filter.action !== undefined) {
    conditions.push('action = ?');
    params.push(filter.action);
  }
  if (filter.result !== undefined) {
    conditions.push('result = ?');
    params.push(filter.result);
  }
  if (filter.jobId !== undefined) {
    conditions.push('job_id = ?');
    params.push(filter.jobId);
  }
  if (filter.target !== undefined) {
    conditions.push("targets LIKE ? ESCAPE '\\'");
    params.push(`%${escapeLike(filter.target)}%`);
  }
  return { where: conditions.length > 0 ? conditions.join(' AND ') : '1', params };
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
