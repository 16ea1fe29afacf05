import { createHash } from 'node:crypto';
import { SECRET_MASK } from '../../../src-preload/contract';
import { redactText } from '../log/redact';
import { canonicalJson } from './canonicalJson';

/**
 * Keys whose values are secrets, compared without case, dashes or underscores:
 * password, saslPassword, sasl_password, passwd, passphrase, pwd, secret,
 * clientSecret, token, accessToken, apiKey, privateKey, credentials, authorization.
 */
const SECRET_KEY =
  /password|passwd|passphrase|^pwd$|secret|token|apikey|privatekey|credential|authorization/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/**
 * A copy of `value` fit for the audit log: values under secret-named keys become
 * SECRET_MASK (booleans and null stay, they say whether a secret exists without
 * revealing it), and every string has URL passwords and key=value secrets masked.
 */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function')
    return maskSecrets((json as () => unknown).call(value), depth + 1);
  if (Array.isArray(value)) return value.map((item: unknown) => maskSecrets(item, depth + 1));
  const masked: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretKey(key) && item !== null && item !== undefined && typeof item !== 'boolean') {
      masked[key] = SECRET_MASK;
    } else {
      masked[key] = maskSecrets(item, depth + 1);
    }
  }
  return masked;
}

/**
 * Longest canonical JSON kept in one column. A larger value (an edited
 * dead-letter body of megabytes) is replaced by its size and SHA-256 so the log
 * stays fast to verify and export, while the value can still be matched later.
 */
export const MAX_AUDIT_JSON_CHARS = 256 * 1024;

/** Masks, canonicalises and bounds one JSON value for an audit column. */
export function auditJson(value: unknown, maxChars = MAX_AUDIT_JSON_CHARS): string {
  const text = canonicalJson(maskSecrets(value));
  if (text.length <= maxChars) return text;
  return canonicalJson({
    truncated: true,
    chars: text.length,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
  });
}
