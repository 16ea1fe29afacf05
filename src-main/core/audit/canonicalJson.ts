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

/** Characters JSON.stringify would escape (or surrogates, whose pairing it checks). */
// eslint-disable-next-line no-control-regex -- these control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\uD800-\uDFFF]/;

/**
 * A JSON string literal, byte for byte what JSON.stringify(text) writes. Most
 * audit text needs no escaping, and one regex test plus two quotes costs a
 * fraction of a JSON.stringify call, which every field of every record pays.
 */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** `"key":` for object keys; keys come from a small vocabulary, so each is escaped once. */
const keyPrefixes = new Map<string, string>();

function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `${jsonString(key)}:`;
    // A bound keeps odd inputs (maps keyed by ids) from growing it without end.
    if (keyPrefixes.size < 10_000) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

/**
 * Own enumerable keys in the order Array.prototype.sort() puts them (UTF-16
 * code units, which is what `<` compares). Objects here have a handful of
 * keys, often already sorted: an insertion sort settles them without the
 * generic sort's set-up.
 */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
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
      return jsonString(hooks ? hooks.string(value) : value);
    case 'number':
      // Finite numbers print as Number#toString, which is what JSON.stringify uses.
      return Number.isFinite(value) ? String(value) : 'null';
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
      if (i > 0) out += ',';
      out += encode(value[i] as unknown, depth + 1, hooks) ?? 'null';
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
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
        ? jsonString(hooks.mask)
        : encode(item, depth + 1, hooks);
    if (encoded === undefined) continue;
    if (!first) out += ',';
    out += keyPrefix(key) + encoded;
    first = false;
  }
  return `${out}}`;
}

/** The canonical JSON text of a value; `null` for values JSON cannot hold (undefined, functions). */
export function canonicalJson(value: unknown, hooks?: CanonicalHooks): string {
  return encode(value, 0, hooks) ?? 'null';
}
