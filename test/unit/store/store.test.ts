import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/core/store/database';
import { migrations } from '../../../src-main/core/store/migrations';
import type { Migration } from '../../../src-main/core/store/migrations';
import { StoreOpenError } from '../../../src-main/core/store/storeOpenError';
import { makeTempDir } from '../../support/tempDir';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempFile(): string {
  const temp = makeTempDir('sluice-store-');
  cleanups.push(temp.cleanup);
  return join(temp.dir, 'sluice.db');
}

function expectOpenError(fn: () => unknown, reason: StoreOpenError['reason']): StoreOpenError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as StoreOpenError).reason).toBe(reason);
    return error as StoreOpenError;
  }
  throw new Error(`expected StoreOpenError(${reason})`);
}

describe('store', () => {
  it('creates the file in WAL mode and records each migration with a checksum', () => {
    const file = tempFile();
    const db = openStore({ file, migrations });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const rows = db
      .prepare('SELECT version, checksum FROM schema_migrations ORDER BY version')
      .all() as {
      version: number;
      checksum: string;
    }[];
    expect(rows.map((r) => r.version)).toEqual(
      migrations.map((m) => m.version).sort((a, b) => a - b),
    );
    for (const row of rows) expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    db.close();
  });

  it('reopens without re-applying and keeps data', () => {
    const file = tempFile();
    const first = openStore({ file, migrations });
    first.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run();
    first.close();
    const again = openStore({ file, migrations });
    expect(again.prepare("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({
      value: '1',
    });
    again.close();
  });

  it('applies a new migration on the next start', () => {
    const file = tempFile();
    openStore({ file, migrations }).close();
    const extra: Migration = { version: 999, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER)' };
    const db = openStore({ file, migrations: [...migrations, extra] });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toEqual({
      name: 'extra',
    });
    db.close();
  });

  it('refuses to start when an applied migration was edited, and changes nothing', () => {
    const file = tempFile();
    const db = openStore({ file, migrations });
    db.prepare("INSERT INTO settings (key, value) VALUES ('keep', '\"me\"')").run();
    db.close();
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    const error = expectOpenError(
      () => openStore({ file, migrations: edited }),
      'migration-edited',
    );
    expect(error.message).toMatch(/Migration 1 .* was changed after it was applied/);
    const reopened = openStore({ file, migrations });
    expect(reopened.prepare("SELECT value FROM settings WHERE key = 'keep'").get()).toEqual({
      value: '"me"',
    });
    reopened.close();
  });

  it('refuses a database written by a newer version', () => {
    const file = tempFile();
    const extra: Migration = {
      version: 999,
      name: 'future',
      sql: 'CREATE TABLE future (x INTEGER)',
    };
    openStore({ file, migrations: [...migrations, extra] }).close();
    expectOpenError(() => openStore({ file, migrations }), 'newer-schema');
  });

  it('reports a corrupt file clearly and leaves its bytes untouched', () => {
    const file = tempFile();
    const garbage = Buffer.from('this is not a database, it is a shopping list\n'.repeat(200));
    writeFileSync(file, garbage);
    const error = expectOpenError(() => openStore({ file, migrations }), 'corrupt');
    expect(error.message).toContain('is damaged');
    expect(error.message).toContain(file);
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('reports a database whose pages are damaged', () => {
    const file = tempFile();
    const db = openStore({ file, migrations });
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    for (let i = 0; i < 2000; i += 1) insert.run(`k${i}`, 'x'.repeat(100));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(file);
    // Overwrite the middle of the file (b-tree pages) with noise, keep the header.
    for (let i = 8192; i < 8192 * 6 && i < bytes.length; i += 1) bytes[i] = (i * 7) & 0xff;
    writeFileSync(file, bytes);
    const error = expectOpenError(() => openStore({ file, migrations }), 'corrupt');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(error.message).toContain('Nothing was changed');
  });

  it('reports a file locked by another process instead of waiting forever', async () => {
    const file = tempFile();
    openStore({ file, migrations }).close();
    // Another process takes an exclusive write lock and holds it.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(file)});
         db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('locked')) resolve();
        });
        holder.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
      });
      const started = Date.now();
      const error = expectOpenError(
        () => openStore({ file, migrations, busyTimeoutMs: 300 }),
        'locked',
      );
      expect(Date.now() - started).toBeLessThan(5000);
      expect(error.message).toContain('locked by another process');
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
