import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUtf8, payloadView } from '../../../src-main/core/deadletters/bytes';
import { originalPayload } from '../../../sandbox/worker/envelope';

/** The definition the hand-written check used: decoding and re-encoding gives the same bytes. */
const roundTrips = (bytes: Buffer): boolean =>
  Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);

describe('UTF-8 validity (node:buffer isUtf8)', () => {
  it('agrees with the decode/re-encode round trip on random bytes and text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (array) => {
        const bytes = Buffer.from(array);
        expect(isUtf8(bytes)).toBe(roundTrips(bytes));
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const bytes = Buffer.from(text, 'utf8');
        expect(isUtf8(bytes)).toBe(true);
      }),
    );
  });

  it('refuses surrogates, overlong forms and cut sequences', () => {
    for (const bad of [
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xe2, 0x82],
      [0xff],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      expect(isUtf8(Buffer.from(bad))).toBe(false);
      expect(payloadView(Buffer.from(bad))).toMatchObject({ utf8: false, text: null });
      expect(originalPayload(Buffer.from(bad))).toMatchObject({ payload_encoding: 'base64' });
    }
    expect(isUtf8(Buffer.alloc(0))).toBe(true);
    expect(originalPayload(Buffer.from('{"a":"€"}'))).toEqual({ payload: { a: '€' } });
  });
});
