import { describe, expect, it } from 'vitest';
import { generateToken, tokensEqual } from '../../../src-main/bridge/token';

describe('bridge token', () => {
  it('is 32 random bytes in base64url', () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(generateToken()).not.toBe(token);
  });

  it('matches only the exact token', () => {
    const token = generateToken();
    expect(tokensEqual(token, token)).toBe(true);
    expect(tokensEqual(token, `${token}`)).toBe(true);
    expect(tokensEqual(token, token.slice(1))).toBe(false);
    expect(tokensEqual(token, `${token}=`)).toBe(false);
    expect(tokensEqual(token, '')).toBe(false);
    expect(tokensEqual(token, undefined)).toBe(false);
    expect(tokensEqual(token, null)).toBe(false);
  });
});
