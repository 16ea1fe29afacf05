import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from '@shared/jsonSyntax';
import { parseJsonBody } from '../../../src-main/bridge/requestBody';

const VALID = [
  '{}',
  '[]',
  ' { "a" : [1, -2.5e+3, 0, 0.1, true, false, null, "x\\n\\u00e9\\"" ] } ',
  '"just a string"',
  '42',
  '[[[[]]]]',
  '{"nested":{"deep":{"deeper":[{}]}}}',
];

const INVALID: [string, { line: number; column: number; position: number }][] = [
  ['{"a":}', { line: 1, column: 6, position: 5 }],
  ['{"a":1', { line: 1, column: 7, position: 6 }],
  ['{\n  "a": 1,\n}', { line: 3, column: 1, position: 12 }],
  ['[1,]', { line: 1, column: 4, position: 3 }],
  ["{'a':1}", { line: 1, column: 2, position: 1 }],
  ['{"a" 1}', { line: 1, column: 6, position: 5 }],
  ['01', { line: 1, column: 2, position: 1 }],
  ['1.', { line: 1, column: 3, position: 2 }],
  ['"abc', { line: 1, column: 5, position: 4 }],
  ['"a\\x"', { line: 1, column: 4, position: 3 }],
  ['"\\u12g4"', { line: 1, column: 2, position: 1 }],
  ['{} {}', { line: 1, column: 4, position: 3 }],
  ['nul', { line: 1, column: 1, position: 0 }],
  ['"tab\there"', { line: 1, column: 5, position: 4 }],
  ['', { line: 1, column: 1, position: 0 }],
  ['\r\n[1\r\n2]', { line: 3, column: 1, position: 6 }],
];

describe('locateJsonSyntaxError', () => {
  it('finds nothing wrong in valid JSON', () => {
    for (const text of VALID) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(locateJsonSyntaxError(text), text).toBeNull();
    }
  });

  it('names line, column and position of the first error', () => {
    for (const [text, where] of INVALID) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(locateJsonSyntaxError(text), text).toMatchObject(where);
    }
  });

  it('survives nesting far deeper than the call stack allows', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(locateJsonSyntaxError(deep)).toBeNull();
    expect(locateJsonSyntaxError(`${'['.repeat(200_000)}}`)).toMatchObject({ position: 200_000 });
  });

  it('agrees with JSON.parse on whether generated inputs are valid', () => {
    const pieces = ['{', '}', '[', ']', '"a"', ':', ',', '1', '-', '.5', 'e3', 'true', ' ', 'nul'];
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let n = 0; n < 5_000; n += 1) {
      let text = '';
      const length = 1 + (next() % 8);
      for (let k = 0; k < length; k += 1) text += pieces[next() % pieces.length];
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(locateJsonSyntaxError(text) === null, text).toBe(valid);
    }
  });
});

describe('parseJsonBody', () => {
  it('reads an empty or blank body as {}', () => {
    expect(parseJsonBody(Buffer.alloc(0))).toEqual({ ok: true, value: {} });
    expect(parseJsonBody(Buffer.from(' \n\t'))).toEqual({ ok: true, value: {} });
  });

  it('names the position in its message', () => {
    const parsed = parseJsonBody(Buffer.from('{"a":}'));
    expect(parsed).toMatchObject({ ok: false, details: { line: 1, column: 6, position: 5 } });
    expect(parsed.ok === false && parsed.message).toBe(
      "request body is not valid JSON: unexpected '}', expected a value at line 1, column 6 (position 5)",
    );
  });
});
