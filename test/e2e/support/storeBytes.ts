import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const STORE_FILE = 'sluice.db';

/**
 * The raw bytes of the SQLite store as they are on disk: the main file plus the
 * write-ahead log (recent writes live only there until a checkpoint).
 */
export function readStoreBytes(dataDir: string): { files: string[]; bytes: Buffer } {
  const files = [STORE_FILE, `${STORE_FILE}-wal`]
    .map((name) => join(dataDir, name))
    .filter((path) => existsSync(path));
  if (files.length === 0) throw new Error(`no ${STORE_FILE} in ${dataDir}`);
  return { files, bytes: Buffer.concat(files.map((path) => readFileSync(path))) };
}

/** Every encoding a password could plausibly be stored in. */
export function containsSecret(bytes: Buffer, secret: string): boolean {
  return [
    Buffer.from(secret, 'utf8'),
    Buffer.from(encodeURIComponent(secret), 'utf8'),
    Buffer.from(secret, 'utf16le'),
  ].some((needle) => bytes.includes(needle));
}
