import { HASHED_FIELDS } from './record';

/**
 * The canonical record JSON (record.ts, canonicalRecordJson) rebuilt inside
 * SQLite. json_quote() escapes strings exactly as JSON.stringify does for
 * well-formed text, and JSON columns are stored canonical, so this expression
 * yields the same bytes as the JavaScript builder for every row the
 * application wrote. Building it in SQLite lets the verifier pass one string
 * per row into JavaScript instead of sixteen values, which is what makes a
 * million-record check fit in a couple of seconds.
 *
 * concat(), not format(): format('%s') stops at a NUL character, so a JSON
 * column edited to its original text + NUL + anything would rebuild the
 * original bytes and pass. concat() keeps every byte (and needs no format
 * string parsed per row).
 */
export const CANONICAL_RECORD_SQL = (() => {
  const parts: string[] = [];
  HASHED_FIELDS.forEach((field, index) => {
    parts.push(`'${index === 0 ? '{' : ','}"${field.column}":'`);
    if (field.kind === 'json') parts.push(`coalesce(${field.column}, 'null')`);
    else if (field.kind === 'text') parts.push(`json_quote(${field.column})`);
    else parts.push(field.column);
  });
  return `concat(${parts.join(', ')}, '}')`;
})();

/** Rows of one seq range with what the verifier needs: seq, prev_hash, hash, canonical JSON. */
export const VERIFY_RANGE_SQL = `SELECT seq, prev_hash, hash, ${CANONICAL_RECORD_SQL} FROM audit_log WHERE seq >= ? AND seq <= ? ORDER BY seq`;
