import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Migration } from './migrations/types';
import { StoreOpenError } from './storeOpenError';

export type Db = Database.Database;

export interface OpenStoreOptions {
  /** Path of the SQLite file, normally <dataDir>/sluice.db. */
  file: string;
  migrations: readonly Migration[];
  /**
   * Path of a better_sqlite3.node built for the running ABI. Electron passes
   * its own build here; under Node the copy in node_modules is used.
   */
  nativeBinding?: string;
  /** How long to wait for another process's lock before giving up. */
  busyTimeoutMs?: number;
}

export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

function translateOpenError(error: unknown, file: string): StoreOpenError {
  if (error instanceof StoreOpenError) return error;
  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreOpenError(
      'corrupt',
      file,
      `The Sluice database at ${file} is damaged (${detail}). Nothing was changed. Move the file aside ` +
        `(and its -wal/-shm files) to start with an empty store, or restore it from a backup.`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreOpenError(
      'locked',
      file,
      `The Sluice database at ${file} is locked by another process (is another Sluice running?). ` +
        `Close it and start again. Nothing was changed.`,
    );
  }
  return new StoreOpenError('io', file, `Cannot open the Sluice database at ${file}: ${detail}`);
}

function applyMigrations(db: Db, migrations: readonly Migration[], file: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db
    .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
    .all() as { version: number; name: string; checksum: string }[];
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const migration = known.get(row.version);
    if (!migration) {
      throw new StoreOpenError(
        'newer-schema',
        file,
        `The Sluice database at ${file} has migration ${row.version} ("${row.name}") that this version ` +
          `of Sluice does not know: it was written by a newer Sluice. Nothing was changed.`,
      );
    }
    if (migrationChecksum(migration) !== row.checksum) {
      throw new StoreOpenError(
        'migration-edited',
        file,
        `Migration ${row.version} ("${row.name}") was changed after it was applied to ${file} ` +
          `(checksum mismatch). Refusing to start so no data is touched.`,
      );
    }
  }
  const done = new Set(applied.map((row) => row.version));
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of sorted) {
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(
        migration.version,
        migration.name,
        migrationChecksum(migration),
        new Date().toISOString(),
      );
    }).immediate();
  }
}

/**
 * Opens (or creates) the store: WAL mode, an integrity check, then the
 * numbered migrations. Any problem throws StoreOpenError with a message meant
 * for the operator; the file is never deleted or recreated.
 */
export function openStore(options: OpenStoreOptions): Db {
  const { file } = options;
  mkdirSync(dirname(file), { recursive: true });
  const existed = existsSync(file);
  let db: Db | undefined;
  try {
    db = new Database(file, {
      timeout: options.busyTimeoutMs ?? 3000,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // Checkpoint every 4,000 pages (16 MB of WAL) rather than SQLite's 1,000: hot
    // index pages of the audit log and the dead-letter index are then copied
    // back once per checkpoint instead of up to four times during bulk writes.
    db.pragma('wal_autocheckpoint = 4000');
    if (existed) {
      const check = db.pragma('quick_check(1)', { simple: true });
      if (check !== 'ok') {
        throw new StoreOpenError(
          'corrupt',
          file,
          `The Sluice database at ${file} failed its integrity check (${String(check)}). Nothing was ` +
            `changed. Restore it from a backup or move it aside to start with an empty store.`,
        );
      }
    }
    // Take the write lock up front so a file held by another process is
    // reported as locked instead of failing half-way through a migration.
    db.transaction(() => undefined).immediate();
    applyMigrations(db, options.migrations, file);
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // already failing; the original error is what the operator needs
    }
    throw translateOpenError(error, file);
  }
}
