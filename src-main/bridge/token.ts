import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,}$/;

/** 32 random bytes, base64url: 43 characters, safe in a URL path and a header. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A caller-chosen token must be as unguessable as a generated one looks. */
export function assertUsableToken(token: string): void {
  if (!TOKEN_PATTERN.test(token)) {
    throw new Error('the bridge token must be at least 32 base64url characters');
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Constant-time comparison. Both sides are hashed first so the comparison
 * takes the same time whatever the presented length (timingSafeEqual itself
 * throws on a length mismatch, which would leak the token's length).
 */
export function tokensEqual(expected: string, presented: string | undefined | null): boolean {
  if (typeof presented !== 'string') return false;
  return timingSafeEqual(digest(expected), digest(presented));
}
