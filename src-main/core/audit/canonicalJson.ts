/**
 * Canonical JSON, the byte form every audit hash is computed over:
 *
 * - object keys sorted by UTF-16 code units (JavaScript's default sort), no
 *   whitespace anywhere;
 * - strings escaped exactly as JSON.stringify escapes them (`"`, `\`, \b \f \n
 *   \r \t, other control characters as lowercase \u00xx, nothing else), after
 *   lone surrogates were replaced by U+FFFD so the text survives UTF-8 storage;
 * - numbers as JSON.stringify prints them (non-finite ones become null), bigint
 *   as a decimal string;
 * - undefined, functions and symbols dropped from objects and null in arrays;
 *   objects with toJSON (Date, Buffer) replaced by its result, as JSON.stringify does.
 *
 * SQLite's json_quote() produces the same escaping, which is what lets the
 * verifier rebuild the canonical form inside SQLite (see chainSql.ts).
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces lone surrogates, which UTF-8 cannot carry, with U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Values nested deeper than this are recorded as a marker instead of recursing further. */
export const MAX_CANONICAL_DEPTH = 64;

function write(value: unknown, depth: number, out: string[]): boolean {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(wellFormed(value)));
      return true;
    case 'number':
      out.push(Number.isFinite(value) ? JSON.stringify(value) : 'null');
      return true;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return true;
    case 'bigint':
      out.push(JSON.stringify(value.toString()));
      return true;
    case 'undefined':
    case 'function':
    case 'symbol':
      return false;
    default:
      break;
  }
  if (value === null) {
    out.push('null');
    return true;
  }
  if (depth >= MAX_CANONICAL_DEPTH) {
    out.push('"[nested too deep]"');
    return true;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out.push(',');
      if (!write(value[i] as unknown, depth + 1, out)) out.push('null');
    }
    out.push(']');
    return true;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  out.push('{');
  let first = true;
  for (const key of keys) {
    const mark = out.length;
    out.push(first ? '' : ',', JSON.stringify(wellFormed(key)), ':');
    if (write(record[key], depth + 1, out)) first = false;
    else out.length = mark;
  }
  out.push('}');
  return true;
}

/** The canonical JSON text of a value; `null` for values JSON cannot hold (undefined, functions). */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  return write(value, 0, out) ? out.join('') : 'null';
}
