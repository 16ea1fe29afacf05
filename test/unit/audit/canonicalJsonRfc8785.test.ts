import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src-main/core/audit/canonicalJson';

// Doubles that exercise ECMAScript's Number-to-string rules, which RFC 8785
// adopts: exponent thresholds (1e21, 1e-7), the extremes, negative zero.
const edgeNumbers = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.1,
  1e21,
  1e20,
  123456789012345680000,
  1e-6,
  1e-7,
  4.5e-7,
  5e-324,
  -5e-324,
  2.2250738585072014e-308,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  Number('9007199254740993'), // rounds to 2 ** 53
  333333333.3333333,
  1e23,
);

const numbers = fc.oneof(
  edgeNumbers,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  // a mantissa and a wide decimal exponent, both signs
  fc
    .tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.integer({ min: -330, max: 310 }))
    .map(([m, e]) => Number(`${m}e${e}`))
    .filter(Number.isFinite),
);

// Strings and keys: any code point (astral, BMP above the surrogates), control
// characters, and the code units whose UTF-16 order differs from code point
// order (U+E000..U+FFFF sort after the surrogate pairs of astral characters).
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({
    unit: fc.constantFrom(
      'a',
      'é',
      '\u0000',
      '\u001f',
      '"',
      '\\',
      '\uE000',
      '\uFFFF',
      '😀',
      '\u{10000}',
      '\u2028',
    ),
    maxLength: 6,
  }),
);

const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    numbers,
    text,
    fc.array(tie('json'), { maxLength: 5 }),
    fc.dictionary(text, tie('json'), { maxKeys: 6 }),
  ),
}));

describe('canonical JSON against the RFC 8785 reference (canonicalize)', () => {
  it('writes the same text for any JSON value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 5_000 },
    );
  });

  it('prints numbers as RFC 8785 does', () => {
    fc.assert(
      fc.property(numbers, (n) => {
        expect(canonicalJson(n)).toBe(canonicalize(n));
        expect(canonicalJson({ n, list: [n, -n] })).toBe(canonicalize({ n, list: [n, -n] }));
      }),
      { numRuns: 5_000 },
    );
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson(1e-7)).toBe('1e-7');
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does', () => {
    const value = { '\uFFFF': 1, '😀': 2, '\uE000': 3, a: 4, é: 5, '': 6 };
    expect(canonicalJson(value)).toBe(canonicalize(value));
    expect(Object.keys(JSON.parse(canonicalJson(value)) as object)).toEqual(
      Object.keys(value).sort(),
    );
  });
});
