import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '@shared/contract';
import { canonicalJson, jsonString } from '../../../src-main/core/audit/canonicalJson';
import { isoTime } from '../../../src-main/core/audit/isoTime';
import {
  isSecretKey,
  maskedCanonicalJson,
  redactString,
} from '../../../src-main/core/audit/masking';
import { AUDIT_COLUMNS, rowValues, type AuditRow } from '../../../src-main/core/audit/record';

/**
 * The fast paths of an append (string escaping, key sorting, time text, bind
 * order) must give exactly the bytes of the plain definitions, or every hash
 * after a deployment would change. These tests compare them with the plain
 * definitions on many generated values.
 */

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AWKWARD = [
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u2028',
  '\ud800',
  '\udc00',
  '😀',
  'é',
  '/',
  ',',
  '=',
  ' ',
];

function randomText(next: () => number): string {
  const length = Math.floor(next() * 12);
  let text = '';
  for (let i = 0; i < length; i += 1) {
    text +=
      next() < 0.3
        ? AWKWARD[Math.floor(next() * AWKWARD.length)]!
        : String.fromCharCode(0x20 + Math.floor(next() * 95));
  }
  return text;
}

function randomValue(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 3 || pick < 0.35) {
    const leaf = Math.floor(next() * 9);
    if (leaf === 0) return null;
    if (leaf === 1) return next() < 0.5;
    if (leaf === 2) return Math.floor(next() * 2000) - 1000;
    if (leaf === 3) return [next() * 1e22, -0, Number.NaN, 1e-7, Infinity][Math.floor(next() * 5)];
    if (leaf === 4) return undefined;
    if (leaf === 5) return new Date(Math.floor(next() * 4e12));
    if (leaf === 6) return BigInt(Math.floor(next() * 1e9));
    return randomText(next);
  }
  if (pick < 0.55) {
    return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
  }
  const record: Record<string, unknown> = {};
  const keys = Math.floor(next() * (next() < 0.1 ? 30 : 6));
  for (let i = 0; i < keys; i += 1) {
    const key =
      next() < 0.2
        ? String(Math.floor(next() * 20))
        : next() < 0.2
          ? ['password', 'apiKey', 'token', 'name', 'url'][Math.floor(next() * 5)]!
          : randomText(next);
    record[key] = randomValue(next, depth + 1);
  }
  return record;
}

/** The plain definition of canonical JSON: JSON.stringify for every leaf, Array#sort for keys. */
function plainCanonicalJson(value: unknown, masked: boolean): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (typeof value === 'string') return JSON.stringify(masked ? redactString(value) : value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return undefined;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => plainCanonicalJson(item, masked) ?? 'null').join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    const secret =
      masked &&
      item !== null &&
      item !== undefined &&
      typeof item !== 'boolean' &&
      isSecretKey(key);
    const encoded = secret ? JSON.stringify(SECRET_MASK) : plainCanonicalJson(item, masked);
    if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`);
  }
  return `{${parts.join(',')}}`;
}

describe('append fast paths', () => {
  it('jsonString writes what JSON.stringify writes, for awkward and plain text', () => {
    const next = random(1);
    for (let i = 0; i < 20_000; i += 1) {
      const text = randomText(next);
      expect(jsonString(text)).toBe(JSON.stringify(text));
    }
    for (let code = 0; code < 0x10000; code += 1) {
      const text = `a${String.fromCharCode(code)}b`;
      expect(jsonString(text)).toBe(JSON.stringify(text));
    }
  });

  it('canonical JSON, masked or not, matches the plain definition on generated values', () => {
    const next = random(2);
    for (let i = 0; i < 5000; i += 1) {
      const value = randomValue(next, 0);
      expect(canonicalJson(value)).toBe(plainCanonicalJson(value, false) ?? 'null');
      expect(maskedCanonicalJson(value)).toBe(plainCanonicalJson(value, true) ?? 'null');
    }
    expect(canonicalJson({ b: 1, a: 2, 10: 3, 9: 4, B: 5, é: 6, '': 7 })).toBe(
      '{"":7,"10":3,"9":4,"B":5,"a":2,"b":1,"é":6}',
    );
  });

  it('isoTime is Date#toISOString, across days, years, the epoch and the edges of 0000-9999', () => {
    const next = random(3);
    const edges = [
      0, -1, 1, 86_399_999, 86_400_000, -86_400_000, 951_782_400_000, 253_402_300_799_999,
      253_402_300_800_000, -62_167_219_200_000, -62_167_219_200_001, 8.64e15, -8.64e15,
    ];
    const times = [...edges, ...Array.from({ length: 20_000 }, () => (next() - 0.3) * 3e12)];
    for (const ms of times) {
      const date = new Date(Math.floor(ms));
      expect(isoTime(date)).toBe(date.toISOString());
    }
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('rowValues lists a row in AUDIT_COLUMNS order', () => {
    const row = Object.fromEntries(AUDIT_COLUMNS.map((column) => [column, `v-${column}`]));
    expect(rowValues(row as unknown as AuditRow)).toEqual(AUDIT_COLUMNS.map((c) => row[c]));
  });
});
