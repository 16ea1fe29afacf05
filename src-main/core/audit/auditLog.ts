import type { Statement } from 'better-sqlite3';
import {
  AUDIT_GENESIS_HASH,
  SluiceError,
  type AuditFacets,
  type AuditFilter,
  type AuditHead,
  type AuditPage,
  type AuditRecord,
  type AuditVerifyResult,
} from '@shared/contract';
import type { Db } from '../store/database';
import { StatementCache } from '../store/statementCache';
import { filterSql, type FilterCondition } from './filterSql';
import {
  AUDIT_COLUMNS,
  SUMMARY_COLUMNS,
  canonicalRecordJson,
  chainHash,
  normaliseEntry,
  rowToRecord,
  rowValues,
  rowToSummary,
  type AuditEntry,
  type AuditRow,
  type SummaryRow,
} from './record';
import type { WorkerDatabase } from './sqliteWorker';
import { verifyChain } from './verify';

export interface AuditLogOptions {
  /** better_sqlite3.node for the running ABI; verification workers load the same one. */
  nativeBinding?: string;
  /** How long one query page may search before returning what it found. */
  queryBudgetMs?: number;
  /** Seq numbers one query step covers (default QUERY_WINDOW). */
  queryWindow?: number;
}

/** Rows one query step covers: small enough to stay interactive without an index. */
const QUERY_WINDOW = 65_536;

/**
 * The audit log: one append-only, hash-chained table (migration 002). Appends
 * run in an IMMEDIATE transaction that reads the head and writes after it, so
 * two writers can never fork the chain.
 */
export class AuditLog {
  private readonly insert: Statement;
  private readonly headStatement: Statement;
  private readonly getStatement: Statement;
  // Filters combine into a bounded number of shapes (2^8); each is prepared once.
  private readonly queryStatements: StatementCache;

  constructor(
    readonly db: Db,
    private readonly options: AuditLogOptions = {},
  ) {
    this.queryStatements = new StatementCache(db);
    this.insert = db.prepare(
      `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.headStatement = db.prepare(
      'SELECT seq, hash, time FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    this.getStatement = db.prepare(
      `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log WHERE seq = ?`,
    );
  }

  head(): AuditHead {
    const row = this.headStatement.get() as { seq: number; hash: string; time: string } | undefined;
    return row ?? { seq: 0, hash: AUDIT_GENESIS_HASH, time: null };
  }

  /** Appends one record and returns it as stored. */
  append(entry: AuditEntry): AuditRow {
    return this.appendMany([entry])[0]!;
  }

  /** Appends records in one transaction, in order. */
  appendMany(entries: readonly AuditEntry[]): AuditRow[] {
    const prepared = entries.map(normaliseEntry);
    return this.db
      .transaction(() => {
        const head = this.head();
        let seq = head.seq;
        let prevHash = head.hash;
        const rows: AuditRow[] = [];
        for (const f of prepared) {
          seq += 1;
          // Spelled out rather than spread: copying a 16-field object by spread
          // cost more than hashing it. Keys in AUDIT_COLUMNS order.
          const row: AuditRow = {
            seq,
            time: f.time,
            os_user: f.os_user,
            display_name: f.display_name,
            host_name: f.host_name,
            environment_id: f.environment_id,
            environment_name: f.environment_name,
            action: f.action,
            targets: f.targets,
            parameters: f.parameters,
            before_json: f.before_json,
            after_json: f.after_json,
            result: f.result,
            error_code: f.error_code,
            reason: f.reason,
            job_id: f.job_id,
            prev_hash: prevHash,
            hash: '',
          };
          row.hash = chainHash(prevHash, canonicalRecordJson(row));
          this.insert.run(rowValues(row));
          rows.push(row);
          prevHash = row.hash;
        }
        return rows;
      })
      .immediate();
  }

  get(seq: number): AuditRecord {
    const row = this.getStatement.get(seq) as AuditRow | undefined;
    if (!row) throw new SluiceError('NOT_FOUND', `no audit record with sequence number ${seq}`);
    return rowToRecord(row);
  }

  /**
   * Newest first, below `cursor`. Each indexed condition first bounds the seq
   * range on its own (the newest and oldest record it matches: a cheap index
   * probe), then the search walks that range in windows of seq numbers, so a
   * filter no index serves (a target substring) or a rare combination still
   * answers within the time budget: the page then holds what was found and a
   * cursor to continue from.
   */
  query(filter: AuditFilter, cursor: number | undefined, limit: number): AuditPage {
    const { where, params, conditions } = filterSql(filter);
    const statement = this.queryStatements.get(
      `SELECT ${SUMMARY_COLUMNS.join(', ')} FROM audit_log WHERE seq >= ? AND seq < ? AND ${where} ORDER BY seq DESC LIMIT ?`,
    );
    const budget = this.options.queryBudgetMs ?? 150;
    const started = performance.now();
    const records: AuditPage['records'] = [];
    const bounds = this.seqBounds(conditions, cursor ?? this.head().seq + 1);
    if (!bounds) return { records, nextCursor: null };
    let upper = bounds.hi + 1;
    while (upper > bounds.lo && records.length < limit) {
      const lower = Math.max(bounds.lo, upper - (this.options.queryWindow ?? QUERY_WINDOW));
      const rows = statement.all(lower, upper, ...params, limit - records.length) as SummaryRow[];
      for (const row of rows) records.push(rowToSummary(row));
      if (records.length >= limit) {
        upper = rows[rows.length - 1]!.seq;
        break;
      }
      upper = lower;
      if (performance.now() - started > budget) break;
    }
    return { records, nextCursor: upper > bounds.lo ? upper : null };
  }

  /**
   * The seq range [lo, hi] below `below` that can hold matches: every record
   * matching the whole filter matches each condition, so it lies between the
   * oldest and newest match of each. Null when some condition matches nothing.
   */
  private seqBounds(
    conditions: FilterCondition[],
    below: number,
  ): { lo: number; hi: number } | null {
    let lo = 1;
    let hi = below - 1;
    const time = conditions.filter((c) => c.kind === 'time');
    const probes = conditions.filter((c) => c.kind === 'equality');
    if (time.length > 0) {
      probes.push({
        sql: time.map((c) => c.sql).join(' AND '),
        params: time.flatMap((c) => c.params),
        kind: 'time',
      });
    }
    for (const probe of probes) {
      // A time range is answered from the time index alone; seq is clamped here.
      const newest = this.queryStatements
        .get(
          probe.kind === 'time'
            ? `SELECT max(seq) FROM audit_log WHERE ${probe.sql}`
            : `SELECT max(seq) FROM audit_log WHERE seq < ? AND ${probe.sql}`,
        )
        .pluck()
        .get(...(probe.kind === 'time' ? [] : [below]), ...probe.params) as number | null;
      const oldest = this.queryStatements
        .get(`SELECT min(seq) FROM audit_log WHERE ${probe.sql}`)
        .pluck()
        .get(...probe.params) as number | null;
      if (newest === null || oldest === null) return null;
      hi = Math.min(hi, newest);
      lo = Math.max(lo, oldest);
      if (lo > hi) return null;
    }
    return hi >= lo ? { lo, hi } : null;
  }

  /** Distinct actions, operators and environments, for filter pickers. */
  facets(): AuditFacets {
    const actions = this.db
      .prepare('SELECT DISTINCT action FROM audit_log ORDER BY action')
      .pluck()
      .all() as string[];
    const operatorRows = this.db
      .prepare(
        'SELECT DISTINCT os_user, display_name FROM audit_log ORDER BY os_user, display_name',
      )
      .all() as { os_user: string; display_name: string }[];
    const environmentRows = this.db
      .prepare(
        `SELECT DISTINCT environment_id, environment_name FROM audit_log
         WHERE environment_id IS NOT NULL ORDER BY environment_id, environment_name`,
      )
      .all() as { environment_id: string; environment_name: string | null }[];
    const operators = new Map<string, string[]>();
    for (const row of operatorRows) {
      const names = operators.get(row.os_user) ?? [];
      if (row.display_name !== '') names.push(row.display_name);
      operators.set(row.os_user, names);
    }
    const environments = new Map<string, string[]>();
    for (const row of environmentRows) {
      const names = environments.get(row.environment_id) ?? [];
      if (row.environment_name) names.push(row.environment_name);
      environments.set(row.environment_id, names);
    }
    return {
      actions,
      operators: [...operators].map(([osUser, displayNames]) => ({ osUser, displayNames })),
      environments: [...environments].map(([id, names]) => ({ id, names })),
    };
  }

  /** Counts of the records matching a filter up to a seq, grouped by one column. */
  countBy(
    column: 'action' | 'os_user' | 'result',
    filter: AuditFilter,
    upToSeq: number,
  ): { key: string; count: number }[] {
    const { where, params } = filterSql(filter);
    return this.db
      .prepare(
        `SELECT ${column} AS key, count(*) AS count FROM audit_log
         WHERE seq <= ? AND ${where} GROUP BY ${column} ORDER BY count DESC, key`,
      )
      .all(upToSeq, ...params) as { key: string; count: number }[];
  }

  /**
   * Whole rows matching a filter with seq in (afterSeq, upToSeq], oldest first,
   * one page at a time so a caller writing to a slow stream never holds the log
   * in memory nor keeps a statement open across awaits.
   */
  *pages(filter: AuditFilter, upToSeq: number, pageSize = 2000): Generator<AuditRow[]> {
    const { where, params } = filterSql(filter);
    const statement = this.queryStatements.get(
      `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log WHERE seq > ? AND seq <= ? AND ${where} ORDER BY seq LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const rows = statement.all(after, upToSeq, ...params, pageSize) as AuditRow[];
      if (rows.length === 0) return;
      yield rows;
      after = rows[rows.length - 1]!.seq;
      if (rows.length < pageSize) return;
    }
  }

  /** How worker threads open this log's file (verification and exports run there). */
  workerDatabase(): WorkerDatabase {
    if (this.db.memory) throw new Error('the audit log must live in a database file');
    return {
      file: this.db.name,
      ...(this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {}),
    };
  }

  /** Recomputes the chain over every record (worker threads, see verify.ts). */
  async verify(): Promise<AuditVerifyResult> {
    return verifyChain(this.head(), this.workerDatabase());
  }
}
