import { HASHED_FIELDS } from './record';

/**
 * The canonical record JSON (record.ts, canonicalRecordJson) rebuilt inside
 * SQLite. json_quote() escapes strings exactly as JSON.stringify does for
 * well-formed text, and JSON columns are stored canonical, so this expression
 * yields the same bytes as the JavaScript builder for every row the
 * application wrote. Building it in SQLite lets the verifier pass one string
 * per row into JavaScript instead of sixteen values, which is what makes a
 * million-record check fit in a couple of seconds.
 */
export const CANONICAL_RECORD_SQL = (() => {
  const template: string[] = [];
  const args: string[] = [];
  for (const field of HASHED_FIELDS) {
    template.push(`"${field.column}":${field.kind === 'integer' ? '%d' : '%s'}`);
    if (field.kind === 'json') args.push(`coalesce(${field.column}, 'null')`);
    else if (field.kind === 'text') args.push(`json_quote(${field.column})`);
    else args.push(field.column);
  }
  return `format('{${template.join(',')}}', ${args.join(', ')})`;
})();

/** Rows of one seq range with what the verifier needs: seq, prev_hash, hash, canonical JSON. */
export const VERIFY_RANGE_SQL = `SELECT seq, prev_hash, hash, ${CANONICAL_RECORD_SQL} FROM audit_log WHERE seq >= ? AND seq <= ? ORDER BY seq`;
