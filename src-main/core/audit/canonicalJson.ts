/**
 * Canonical JSON, the byte form every audit hash is computed over:
 *
 * - object keys sorted by UTF-16 code units (JavaScript's default sort), no
 *   whitespace anywhere;
 * - strings escaped exactly as JSON.stringify escapes them: `"`, `\`, \b \f \n
 *   \r \t, other control characters and lone surrogates as lowercase \uxxxx,
 *   nothing else;
 * - numbers as JSON.stringify prints them (non-finite ones become null), bigint
 *   as a decimal string;
 * - undefined, functions and symbols dropped from objects and null in arrays;
 *   objects with toJSON (Date, Buffer) replaced by its result, as JSON.stringify does.
 *
 * SQLite's json_quote() escapes well-formed text the same way, which is what
 * lets the verifier rebuild a record's canonical form inside SQLite (chainSql.ts).
 */

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces lone surrogates, which UTF-8 cannot carry, with U+FFFD. */
export function wellFormed(text: string): string {
  return SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
}

/** Values nested deeper than this are recorded as a marker instead of recursing further. */
export const MAX_CANONICAL_DEPTH = 64;

/** Hooks that let one pass canonicalise and mask (see masking.ts). */
export interface CanonicalHooks {
  /** When true for a key, a non-null, non-boolean value under it is written as `mask`. */
  isSecretKey(key: string): boolean;
  mask: string;
  /** Applied to every string value (not to keys). */
  string(text: string): string;
}

function encode(
  value: unknown,
  depth: number,
  hooks: CanonicalHooks | undefined,
): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(hooks ? hooks.string(value) : value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (value === null) return 'null';
  if (depth >= MAX_CANONICAL_DEPTH) return '"[nested too deep]"';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      out += `${i > 0 ? ',' : ''}${encode(value[i] as unknown, depth + 1, hooks) ?? 'null'}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    const encoded =
      hooks &&
      item !== null &&
      item !== undefined &&
      typeof item !== 'boolean' &&
      typeof item !== 'function' &&
      typeof item !== 'symbol' &&
      hooks.isSecretKey(key)
        ? JSON.stringify(hooks.mask)
        : encode(item, depth + 1, hooks);
    if (encoded === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${encoded}`;
    first = false;
  }
  return `${out}}`;
}

/** The canonical JSON text of a value; `null` for values JSON cannot hold (undefined, functions). */
export function canonicalJson(value: unknown, hooks?: CanonicalHooks): string {
  return encode(value, 0, hooks) ?? 'null';
}
