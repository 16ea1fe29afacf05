/**
 * localStorage that never throws: it is unavailable in some sandboxes and
 * full in others, and losing a remembered preference is harmless.
 */
export function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Not remembered; the app still works.
  }
}
