import type { BrowseFilter } from '@shared/contract';
import { escapeLike } from '../pgIdentifiers';

/** The class filter value that selects entries without an error class. */
export const NO_ERROR_CLASS = '';

/**
 * Turns free text into an FTS5 query: every whitespace-separated term must
 * occur; a term of several words ("doc-bad-3") must occur as that phrase;
 * the last word of each term may be a prefix. Quoting keeps FTS5 operators in
 * the input inert.
 */
export function ftsQuery(text: string): string | null {
  const terms = text
    .split(/\s+/)
    .map((term) => term.match(/[\p{L}\p{N}_]+/gu) ?? [])
    .filter((words) => words.length > 0)
    .slice(0, 20);
  if (terms.length === 0) return null;
  return terms.map((words) => `"${words.join(' ').replace(/"/g, '""')}"*`).join(' ');
}

export interface Where {
  sql: string;
  params: unknown[];
}

export function whereFor(
  sourceId: string,
  filter: BrowseFilter,
  includeResolved: boolean,
  table = '',
): Where {
  const t = table;
  const parts = [`${t}source_id = ?`];
  const params: unknown[] = [sourceId];
  if (!includeResolved) parts.push(`${t}resolved_kind IS NULL`);
  if (filter.errorClasses.length > 0) {
    const named = filter.errorClasses.filter((c) => c !== NO_ERROR_CLASS);
    const alternatives: string[] = [];
    if (named.length > 0) {
      alternatives.push(`${t}error_class IN (${named.map(() => '?').join(', ')})`);
      params.push(...named);
    }
    if (named.length < filter.errorClasses.length) {
      alternatives.push(`(${t}error_class IS NULL OR ${t}error_class = '')`);
    }
    parts.push(`(${alternatives.join(' OR ')})`);
  }
  if (filter.reason.trim() !== '') {
    parts.push(`${t}reason LIKE ? ESCAPE '\\'`);
    params.push(`%${escapeLike(filter.reason.trim())}%`);
  }
  if (filter.from !== null) {
    parts.push(`COALESCE(${t}last_failed_at, ${t}record_ts) >= ?`);
    params.push(Date.parse(filter.from));
  }
  if (filter.to !== null) {
    parts.push(`COALESCE(${t}last_failed_at, ${t}record_ts) <= ?`);
    params.push(Date.parse(filter.to));
  }
  if (filter.key.trim() !== '') {
    parts.push(`${t}external_id = ?`);
    params.push(filter.key.trim());
  }
  const match = ftsQuery(filter.text);
  if (match !== null) {
    parts.push(`${t}id IN (SELECT rowid FROM dl_entries_fts WHERE dl_entries_fts MATCH ?)`);
    params.push(match);
  } else if (filter.text.trim() !== '') {
    // Only punctuation: nothing can match a word search.
    parts.push('0');
  }
  return { sql: parts.join(' AND '), params };
}
