/**
 * `npm run bench -- audit [--records 1000000] [--keep]`
 *
 * Appends 100,000 audit records in batches, builds the log up to a million,
 * verifies the million-record chain, exports it to CSV and times the audit
 * view's queries on it. Baselines from the same run: plain better-sqlite3
 * inserts of the same rows into the same table without hashing, and the
 * sqlite3 tool's own CSV export of the table.
 */
import { spawn } from 'node:child_process';
import { readCommandLine } from '@shared/cli/commandLine';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src-main/core/audit/auditLog';
import { writeCsv, writeJsonl } from '../../src-main/core/audit/export';
import {
  AUDIT_COLUMNS,
  normaliseEntry,
  rowValues,
  type AuditEntry,
  type AuditRow,
} from '../../src-main/core/audit/record';
import { openStore } from '../../src-main/core/store/database';
import { migrations } from '../../src-main/core/store/migrations';
import type { AuditFilter } from '@shared/contract';

const ACTIONS = [
  'deadletters.replay',
  'deadletters.edit',
  'deadletters.discard',
  'environments.save',
  'settings.update',
  'monitoring.alerts.acknowledge',
  'runbooks.save',
  'audit.export',
];
const OPERATORS = Array.from({ length: 12 }, (_, i) => ({
  osUser: `user${i}`,
  displayName: i % 3 === 0 ? '' : `Operator ${i}`,
  hostName: `host-${i % 4}`,
}));
const ENVIRONMENTS = Array.from({ length: 6 }, (_, i) => ({
  id: `0b6a1f3e-1c2d-4e5f-8a9b-00000000000${i}`,
  name: ['production', 'staging', 'qa', 'dev', 'eu-prod', 'us-prod'][i]!,
}));
const BASE_TIME = Date.parse('2025-01-01T00:00:00Z');

/** A realistic mix: replays with job ids, edits with before/after, some denied and failed. */
function entry(i: number): AuditEntry {
  const action = ACTIONS[i % ACTIONS.length]!;
  const failed = i % 23 === 0;
  const denied = !failed && i % 41 === 0;
  const edit = action === 'deadletters.edit';
  return {
    time: new Date(BASE_TIME + i * 2000),
    operator: OPERATORS[i % OPERATORS.length]!,
    environment: ENVIRONMENTS[i % ENVIRONMENTS.length]!,
    action,
    targets: [{ type: 'dlq-entry', id: `write_queue:dead/${i}`, name: `order-${i % 50_000}` }],
    parameters: { source: 'redis:write_queue:dead', ids: [`${i}`], rate: 50, dryRun: false },
    ...(edit
      ? {
          before: { body: { order: i, qty: 1, sku: 'A-1' } },
          after: { body: { order: i, qty: 2, sku: 'A-1' } },
        }
      : {}),
    result: failed ? 'failed' : denied ? 'denied' : 'ok',
    errorCode: failed ? 'UNAVAILABLE' : denied ? 'DENIED' : null,
    reason: failed
      ? 'redis at 10.0.0.5:6379 refused the connection'
      : denied
        ? 'read-only environment'
        : null,
    jobId: action === 'deadletters.replay' ? `job-${Math.floor(i / 100)}` : null,
  };
}

function entries(from: number, count: number): AuditEntry[] {
  return Array.from({ length: count }, (_, k) => entry(from + k));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function rate(count: number, ms: number): string {
  return `${Math.round(count / (ms / 1000)).toLocaleString('en-US')} records/s`;
}

function line(label: string, value: string, note = ''): void {
  console.log(`  ${label.padEnd(44)} ${value.padStart(22)}  ${note}`);
}

function verdict(ok: boolean): string {
  return ok ? 'goal met' : 'GOAL MISSED';
}

/** CPU time of this process, all threads (worker threads included), in ms. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; cpu: number; value: T }> {
  const started = performance.now();
  const cpuStart = cpuMs();
  const value = await fn();
  return { ms: performance.now() - started, cpu: cpuMs() - cpuStart, value };
}

/** CPU seconds next to wall time: on a busy machine the wall time grows, the CPU time much less. */
function cpuNote(cpu: number): string {
  return `CPU ${(cpu / 1000).toFixed(2)} s over all threads`;
}

function timeSync<T>(fn: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = fn();
  return { ms: performance.now() - started, value };
}

function sqliteCliCsv(file: string, out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      'sqlite3',
      ['-csv', '-header', file, 'SELECT * FROM audit_log ORDER BY seq'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const sink = createWriteStream(out);
    child.stdout.pipe(sink);
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT' ? new Error('sqlite3 is missing: apt-get install sqlite3') : error,
      ),
    );
    sink.on('finish', () => resolve(performance.now() - started));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`sqlite3 exited with ${code}`));
    });
  });
}

export async function run(args: string[]): Promise<void> {
  const { values } = readCommandLine(args, {
    records: { type: 'string' },
    keep: { type: 'boolean' },
  });
  const total = Number(values.records) || 1_000_000;
  const keep = values.keep ?? false;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-audit-'));
  const file = join(dir, 'sluice.db');
  const db = openStore({ file, migrations });
  const log = new AuditLog(db);
  console.log(`audit benchmark in ${dir} (${total.toLocaleString('en-US')} records)`);
  // Other work on the machine slows every figure, baselines included: show it.
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
  console.log(`load average at start: ${load()} on ${availableParallelism()} cores`);

  try {
    // Baseline: the same normalised rows into a copy of the table (same indexes,
    // no triggers), no hashing, same transaction batching.
    const appendCount = 100_000;
    const batch = 1000;
    db.exec(`CREATE TABLE baseline AS SELECT * FROM audit_log WHERE 0;
      CREATE INDEX baseline_time ON baseline (time); CREATE INDEX baseline_action ON baseline (action);
      CREATE INDEX baseline_operator ON baseline (os_user, display_name);
      CREATE INDEX baseline_environment ON baseline (environment_id, environment_name) WHERE environment_id IS NOT NULL;
      CREATE INDEX baseline_result ON baseline (result); CREATE INDEX baseline_job ON baseline (job_id) WHERE job_id IS NOT NULL;`);
    const insertBaseline = db.prepare(
      `INSERT INTO baseline (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`,
    );
    const zero = '0'.repeat(64);
    let started = performance.now();
    let cpuStart = cpuMs();
    for (let from = 1; from <= appendCount; from += batch) {
      const rows = entries(from, batch).map(normaliseEntry);
      db.transaction(() => {
        // Bound the way AuditLog binds (rowValues, no object spread) so the
        // baseline is the cost of the table, not of building its rows.
        rows.forEach((normalised, k) => {
          const row = normalised as AuditRow;
          row.seq = from + k;
          row.prev_hash = zero;
          row.hash = zero;
          insertBaseline.run(rowValues(row));
        });
      })();
    }
    const baselineMs = performance.now() - started;
    const baselineCpu = cpuMs() - cpuStart;
    db.exec('DROP TABLE baseline');

    started = performance.now();
    cpuStart = cpuMs();
    for (let from = 1; from <= appendCount; from += batch) log.appendMany(entries(from, batch));
    const appendMs = performance.now() - started;
    const appendCpu = cpuMs() - cpuStart;

    console.log('\nappend (batches of 1,000, each one transaction)');
    line(
      'AuditLog.appendMany, 100,000 records',
      rate(appendCount, appendMs),
      `${verdict(appendCount / (appendMs / 1000) >= 50_000)} (>= 50,000/s), ${cpuNote(appendCpu)}`,
    );
    line(
      'baseline: plain inserts, no hashing',
      rate(appendCount, baselineMs),
      cpuNote(baselineCpu),
    );

    started = performance.now();
    for (let from = appendCount + 1; from <= total; from += 10_000) {
      log.appendMany(entries(from, Math.min(10_000, total - from + 1)));
    }
    const buildMs = performance.now() - started;
    db.pragma('wal_checkpoint(TRUNCATE)');
    line(
      `build to ${total.toLocaleString('en-US')} (batches of 10,000)`,
      rate(total - appendCount, buildMs),
    );
    line('database file', `${(statSync(file).size / 1e6).toFixed(0)} MB`);

    console.log('\nverify');
    const verified = await timeAsync(() => log.verify());
    if (!verified.value.ok)
      throw new Error(`the chain did not verify: ${JSON.stringify(verified.value)}`);
    line(
      `verify ${verified.value.count.toLocaleString('en-US')} records`,
      seconds(verified.ms),
      `${verdict(verified.ms <= 2000)} (<= 2 s), ${cpuNote(verified.cpu)}`,
    );
    const again = await timeAsync(() => log.verify());
    line('verify again (warm page cache)', seconds(again.ms), cpuNote(again.cpu));

    console.log('\nexport');
    const head = log.head();
    const csvFile = join(dir, 'audit.csv');
    const csv = await timeAsync(() => writeCsv(log, {}, createWriteStream(csvFile), { head }));
    line(
      `CSV, ${csv.value.records.toLocaleString('en-US')} records`,
      seconds(csv.ms),
      `${verdict(csv.ms <= 3000)} (<= 3 s), ${(statSync(csvFile).size / 1e6).toFixed(0)} MB, ${cpuNote(csv.cpu)}`,
    );
    const cliFile = join(dir, 'sqlite3-cli.csv');
    const cliMs = await sqliteCliCsv(file, cliFile);
    line(
      'baseline: sqlite3 -csv of the same table',
      seconds(cliMs),
      `${(statSync(cliFile).size / 1e6).toFixed(0)} MB`,
    );
    rmSync(cliFile);
    const jsonlFile = join(dir, 'audit.jsonl');
    const jsonl = await timeAsync(() =>
      writeJsonl(log, {}, createWriteStream(jsonlFile), { head }),
    );
    line(
      `JSON Lines, ${jsonl.value.records.toLocaleString('en-US')} records`,
      seconds(jsonl.ms),
      `${(statSync(jsonlFile).size / 1e6).toFixed(0)} MB, ${cpuNote(jsonl.cpu)}`,
    );
    rmSync(csvFile);
    rmSync(jsonlFile);

    console.log('\naudit view queries on the full log (first page of 100, newest first)');
    const filters: [string, AuditFilter][] = [
      ['no filter', {}],
      ['action', { action: 'deadletters.discard' }],
      ['operator + result denied', { operator: 'user5', result: 'denied' }],
      ['environment + action', { environment: ENVIRONMENTS[2]!.id, action: 'environments.save' }],
      [
        'time range (one day, a year back)',
        { from: '2025-01-10T00:00:00Z', to: '2025-01-11T00:00:00Z' },
      ],
      ['job id', { jobId: 'job-42' }],
      ['target text (common)', { target: 'order-4' }],
      ['target text (one record)', { target: 'write_queue:dead/123457' }],
      ['target text (none)', { target: 'no such thing' }],
    ];
    for (const [label, filter] of filters) {
      const samples: number[] = [];
      let page = log.query(filter, undefined, 100);
      for (let i = 0; i < 5; i += 1) {
        const t0 = performance.now();
        page = log.query(filter, undefined, 100);
        samples.push(performance.now() - t0);
      }
      samples.sort((a, b) => a - b);
      line(
        label,
        `${samples[2]!.toFixed(1)} ms`,
        `${page.records.length} records${page.nextCursor && page.records.length < 100 ? ', partial page (search continues with the cursor)' : ''}`,
      );
    }
    const facets = timeSync(() => log.facets());
    line(
      'facets (filter pickers)',
      `${facets.ms.toFixed(1)} ms`,
      `${facets.value.actions.length} actions, ${facets.value.operators.length} operators`,
    );
    console.log(`\nload average at end: ${load()}`);
  } finally {
    db.close();
    if (keep) console.log(`\nkept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
