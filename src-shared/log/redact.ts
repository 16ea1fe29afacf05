/**
 * Masks secrets in free text: the password part of URLs
 * (scheme://user:password@host) and key=value / "key":"value" pairs whose key
 * names a secret. Applied to every log line and every error message that may
 * quote a driver's text.
 */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"']*:)([^@/?#\s"']+)(@)/gi;
const KEY_VALUE =
  /((?:password|passwd|pwd|secret|token|sasl_password)"?\s*[=:]\s*"?)([^"&\s,}]+)/gi;

export function redactText(text: string): string {
  return text.replace(URL_PASSWORD, '$1********$3').replace(KEY_VALUE, '$1********');
}
