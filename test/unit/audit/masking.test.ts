import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '@shared/contract';
import { canonicalJson } from '../../../src-main/core/audit/canonicalJson';
import {
  MAX_AUDIT_JSON_CHARS,
  auditJson,
  isSecretKey,
  maskedCanonicalJson,
} from '../../../src-main/core/audit/masking';

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined, writes no whitespace', () => {
    expect(
      canonicalJson({ b: 1, a: { d: [3, undefined, 'x'], c: null }, u: undefined, f: () => 1 }),
    ).toBe('{"a":{"c":null,"d":[3,null,"x"]},"b":1}');
  });

  it('escapes strings exactly as JSON.stringify, numbers and dates as JSON.stringify prints them', () => {
    const text = 'q"b\\ \n\t\u0001 \u2028 😀 \ud800';
    expect(canonicalJson({ text })).toBe(`{"text":${JSON.stringify(text)}}`);
    expect(canonicalJson([1.5, -0, 1e21, Number.NaN, Infinity, 10n])).toBe(
      '[1.5,0,1e+21,null,null,"10"]',
    );
    expect(canonicalJson(new Date('2026-01-02T03:04:05.678Z'))).toBe('"2026-01-02T03:04:05.678Z"');
  });

  it('gives the same text for the same value whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: { b: 2, a: 1 } })).toBe(
      canonicalJson({ y: { a: 1, b: 2 }, x: 1 }),
    );
  });
});

describe('masking', () => {
  it('recognises secret key names in any spelling', () => {
    for (const key of [
      'password',
      'saslPassword',
      'sasl_password',
      'SASL-Password',
      'passwd',
      'pwd',
      'clientSecret',
      'accessToken',
      'api_key',
      'privateKey',
      'credentials',
      'Authorization',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['passive', 'bypass', 'username', 'id', 'sec']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it('masks secret values and URL passwords anywhere, keeps booleans that only say a secret exists', () => {
    const masked = JSON.parse(
      maskedCanonicalJson({
        environment: {
          redisUrl: 'redis://:hunter2@127.0.0.1:6379/0',
          postgresUrl: 'postgres://app:s3cr3t@db:5432/app',
          kafka: { sasl: { username: 'svc', password: 'sasl-pw', hasPassword: true } },
        },
        headers: [{ authorization: 'Bearer abc.def' }],
        note: 'connect with password=letmein please',
        token: 12345,
        secret: null,
      }),
    ) as Record<string, unknown>;
    expect(masked).toEqual({
      environment: {
        redisUrl: `redis://:${SECRET_MASK}@127.0.0.1:6379/0`,
        postgresUrl: `postgres://app:${SECRET_MASK}@db:5432/app`,
        kafka: { sasl: { username: 'svc', password: SECRET_MASK, hasPassword: true } },
      },
      headers: [{ authorization: SECRET_MASK }],
      note: `connect with password=${SECRET_MASK} please`,
      token: SECRET_MASK,
      secret: null,
    });
    const text = JSON.stringify(masked);
    for (const secret of ['hunter2', 's3cr3t', 'sasl-pw', 'abc.def', 'letmein', '12345']) {
      expect(text).not.toContain(secret);
    }
  });

  it('replaces a value too large for the log by its size and SHA-256', () => {
    const big = { body: 'x'.repeat(MAX_AUDIT_JSON_CHARS) };
    const stored = JSON.parse(auditJson(big)) as Record<string, unknown>;
    expect(stored).toMatchObject({ truncated: true, chars: MAX_AUDIT_JSON_CHARS + 11 });
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
