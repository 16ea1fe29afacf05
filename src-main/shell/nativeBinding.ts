import fs from 'node:fs';
import path from 'node:path';

/**
 * Where an Electron-ABI build of better-sqlite3 may be (made by
 * `npm run rebuild:electron`, or shipped in a package's resources). The
 * copy in node_modules is built for Node's ABI (tests, browser mode) and
 * cannot load in Electron, so the main process hands this path to
 * better-sqlite3's nativeBinding option instead.
 */
export const ELECTRON_SQLITE_RELATIVE_PATHS = [
  path.join('resources', 'native', 'electron', 'better_sqlite3.node'),
  path.join('native', 'electron', 'better_sqlite3.node'),
] as const;

/** The first candidate that exists under any root (app path, then resources path); undefined if none. */
export function findElectronSqliteBinding(
  roots: ReadonlyArray<string | undefined>,
  exists: (file: string) => boolean = fs.existsSync,
): string | undefined {
  for (const root of roots) {
    if (!root) continue;
    for (const relative of ELECTRON_SQLITE_RELATIVE_PATHS) {
      const candidate = path.join(root, relative);
      if (exists(candidate)) return candidate;
    }
  }
  return undefined;
}
