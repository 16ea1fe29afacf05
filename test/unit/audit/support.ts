import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { AuditResult } from '@shared/contract';
import { AuditLog } from '../../../src-main/core/audit/auditLog';
import type { AuditEntry } from '../../../src-main/core/audit/record';
import { openStore, type Db } from '../../../src-main/core/store/database';
import { migrations } from '../../../src-main/core/store/migrations';
import { makeTempDir } from '../../support/tempDir';

export interface AuditFixture {
  dir: string;
  file: string;
  db: Db;
  log: AuditLog;
  /** Closes the store (idempotent) so the sqlite3 tool can work on the file alone. */
  close(): void;
  reopen(): AuditFixture;
  cleanup(): void;
}

export function openAuditFixture(prefix = 'sluice-audit-'): AuditFixture {
  const temp = makeTempDir(prefix);
  const file = join(temp.dir, 'sluice.db');
  const build = (): AuditFixture => {
    const db = openStore({ file, migrations });
    let open = true;
    const fixture: AuditFixture = {
      dir: temp.dir,
      file,
      db,
      log: new AuditLog(db),
      close() {
        if (open) db.close();
        open = false;
      },
      reopen() {
        fixture.close();
        return build();
      },
      cleanup() {
        fixture.close();
        temp.cleanup();
      },
    };
    return fixture;
  };
  return build();
}

const ACTIONS = ['environments.save', 'environments.remove', 'settings.update', 'audit.export'];
const OPERATORS = [
  { osUser: 'ada', displayName: 'Ada L.', hostName: 'laptop-1' },
  { osUser: 'bob', displayName: '', hostName: 'jump-host' },
  { osUser: 'cyd', displayName: 'Cyd', hostName: 'laptop-2' },
];

/** A deterministic, varied record: operators, environments, results and targets rotate with i. */
export function sampleEntry(i: number, base = Date.parse('2026-03-01T00:00:00Z')): AuditEntry {
  const result: AuditResult = i % 7 === 0 ? 'denied' : i % 5 === 0 ? 'failed' : 'ok';
  return {
    time: new Date(base + i * 60_000),
    operator: OPERATORS[i % OPERATORS.length]!,
    environment: i % 4 === 0 ? null : { id: `env-${i % 3}`, name: `staging-${i % 3}` },
    action: ACTIONS[i % ACTIONS.length]!,
    targets: [{ type: 'dlq-entry', id: `entry-${i}`, name: `order ${i}` }],
    parameters: {
      ids: [`entry-${i}`],
      rate: i % 100,
      note: i % 11 === 0 ? '=HYPERLINK("x")' : 'plain',
    },
    ...(i % 3 === 0 ? { before: { body: { n: i } }, after: { body: { n: i + 1 } } } : {}),
    result,
    errorCode: result === 'ok' ? null : result === 'denied' ? 'DENIED' : 'UNAVAILABLE',
    reason: result === 'ok' ? null : `reason, "quoted"\nline ${i}`,
    jobId: i % 10 === 0 ? `job-${i}` : null,
  };
}

/** Runs the sqlite3 command-line tool on a file, as someone editing it by hand would. */
export function sqlite3(file: string, sql: string): string {
  try {
    return execFileSync('sqlite3', [file, sql], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('the sqlite3 command-line tool is missing: apt-get install sqlite3');
    }
    throw new Error(`sqlite3 failed: ${String((error as { stderr?: unknown }).stderr)}`);
  }
}
