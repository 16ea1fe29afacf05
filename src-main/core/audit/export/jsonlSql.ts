import { AUDIT_COLUMNS, HASHED_FIELDS } from '../record';

/** JSON Lines keys, sorted, with the index of their column in AUDIT_COLUMNS. */
const JSONL_FIELDS = [
  ...HASHED_FIELDS,
  { column: 'hash', kind: 'text' } as const,
  { column: 'prev_hash', kind: 'text' } as const,
]
  .sort((a, b) => (a.column < b.column ? -1 : 1))
  .map((field) => ({
    key: field.column,
    kind: field.kind,
    index: (AUDIT_COLUMNS as readonly string[]).indexOf(field.column),
  }));

/**
 * The JSON Lines export's SELECT: one finished line per row, built by SQLite
 * the way jsonlLine in export.worker.ts defines it. json_quote() escapes text
 * exactly as JSON.stringify does (the canonical record JSON relies on the
 * same, see chainSql.ts), JSON columns are spliced in as stored, NULL is null.
 * One string per row instead of eighteen values is what makes the export fast.
 */
export function jsonlQuery(where: string): string {
  const parts: string[] = [];
  JSONL_FIELDS.forEach((field, index) => {
    parts.push(`'${index === 0 ? '{' : ','}"${field.key}":'`);
    if (field.kind === 'json') parts.push(`coalesce(${field.key}, 'null')`);
    else if (field.kind === 'text') parts.push(`json_quote(${field.key})`);
    else parts.push(`coalesce(${field.key}, 'null')`);
  });
  return `SELECT concat(${parts.join(', ')}, '}', char(10)) FROM audit_log WHERE seq > ? AND seq <= ? AND ${where} ORDER BY seq`;
}
