import { SECRET_MASK } from '@shared/contract';

export interface SplitUrl {
  /** The URL with its password removed (the user name stays). */
  url: string;
  /** The password as given, SECRET_MASK when the caller meant "keep the stored one", or null. */
  password: string | null;
}

/** Separates the password from a connection URL so it can go to the secret store. */
export function splitUrlPassword(raw: string): SplitUrl {
  const url = new URL(raw);
  const password = url.password === '' ? null : decodeURIComponent(url.password);
  url.password = '';
  return { url: url.toString(), password };
}

/** Puts SECRET_MASK where the password was, so the operator sees one is stored. */
export function maskUrl(stripped: string, hasPassword: boolean): string {
  if (!hasPassword) return stripped;
  const url = new URL(stripped);
  url.password = SECRET_MASK;
  return url.toString();
}

/** Rebuilds the URL with its real password, for drivers that want one string. */
export function withPassword(stripped: string, password: string | null): string {
  if (password === null) return stripped;
  const url = new URL(stripped);
  url.password = encodeURIComponent(password);
  return url.toString();
}
