import { createHash } from 'node:crypto';
import { SECRET_MASK } from '@shared/contract';
import { redactText } from '@shared/log/redact';
import { canonicalJson, type CanonicalHooks } from './canonicalJson';

/**
 * Keys whose values are secrets, compared without case, dashes or underscores:
 * password, saslPassword, sasl_password, passwd, passphrase, pwd, secret,
 * clientSecret, token, accessToken, apiKey, privateKey, credentials, authorization.
 */
const SECRET_KEY =
  /password|passwd|passphrase|^pwd$|secret|token|apikey|privatekey|credential|authorization/;

const secretKeyCache = new Map<string, boolean>();

export function isSecretKey(key: string): boolean {
  let secret = secretKeyCache.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
    // Keys come from a small vocabulary; a bound keeps odd inputs from growing it.
    if (secretKeyCache.size < 10_000) secretKeyCache.set(key, secret);
  }
  return secret;
}

/** Every string redactText could change contains one of these (URL passwords, key=value secrets). */
const MAYBE_SECRET = /:\/\/|pass|pwd|secret|token/i;

/** Masks URL passwords and key=value secrets inside free text. */
export function redactString(text: string): string {
  return MAYBE_SECRET.test(text) ? redactText(text) : text;
}

const maskingHooks: CanonicalHooks = {
  isSecretKey,
  mask: SECRET_MASK,
  string: redactString,
};

/**
 * Canonical JSON of `value` fit for the audit log, in one pass: values under
 * secret-named keys become SECRET_MASK (booleans and null stay: they say
 * whether a secret exists without revealing it), and every string has URL
 * passwords and key=value secrets masked.
 */
export function maskedCanonicalJson(value: unknown): string {
  return canonicalJson(value, maskingHooks);
}

/**
 * Longest canonical JSON kept in one column. A larger value (an edited
 * dead-letter body of megabytes) is replaced by its size and SHA-256 so the log
 * stays fast to verify and export, while the value can still be matched later.
 */
export const MAX_AUDIT_JSON_CHARS = 256 * 1024;

/** Masks, canonicalises and bounds one JSON value for an audit column. */
export function auditJson(value: unknown, maxChars = MAX_AUDIT_JSON_CHARS): string {
  const text = maskedCanonicalJson(value);
  if (text.length <= maxChars) return text;
  return canonicalJson({
    truncated: true,
    chars: text.length,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
  });
}
