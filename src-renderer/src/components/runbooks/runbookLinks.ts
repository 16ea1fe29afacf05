/**
 * Deep links into the Runbooks page: "#/runbooks/<id>". The shell routes on
 * the first hash segment, so these open the Runbooks page; the page reads the
 * rest to select the runbook.
 */
const PREFIX = '#/runbooks';

export function runbookHash(id: string | null): string {
  return id ? `${PREFIX}/${encodeURIComponent(id)}` : PREFIX;
}

/** The runbook id named by a hash, or null ("#/runbooks", another page, garbage). */
export function runbookIdFromHash(hash: string): string | null {
  if (!hash.startsWith(`${PREFIX}/`)) return null;
  const rest = hash.slice(PREFIX.length + 1).split(/[/?]/)[0] ?? '';
  if (rest === '') return null;
  try {
    return decodeURIComponent(rest);
  } catch {
    return null;
  }
}
