import type pg from 'pg';
import type { MonitoringConfig, QueryPlan } from '@shared/contract';
import { classifyConnectionError } from '../../connectors/classify';
import { scrubSecrets, urlPassword, urlTarget } from '../../connectors/failures';
import type { PostgresConnectionConfig } from '../../clients/config';
import { createPool } from '../../clients/postgres';
import type { Probe, ProbeFailure } from '../poller';
import {
  explainQuery,
  findGapIndex,
  gapQuery,
  quoteTable,
  suggestIndex,
  summarisePlan,
  type GapTable,
} from './gapQuery';

type PostgresWatch = MonitoringConfig['postgres'];

export interface GapReading {
  table: string;
  count: number | null;
  oldestAgeSeconds: number | null;
  queryMs: number | null;
  plan: QueryPlan | null;
  error: string | null;
}

export interface GapSample {
  tables: GapReading[];
}

/** The plan changes slowly (statistics, new indexes): EXPLAIN now and then, not every poll. */
export const PLAN_REFRESH_MS = 5 * 60_000;

/**
 * SQLSTATE classes that mean the connection or the server failed, not the
 * query: connection exceptions, auth, operator intervention (shutdown),
 * insufficient resources, a database that does not exist.
 */
function isConnectionLevel(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return /^(08|28|53|3D|57P)/.test(code);
}

/** node-postgres honours a per-query query_timeout; its type definitions do not list it. */
function bounded(text: string, timeoutMs: number, values: unknown[] = []): pg.QueryConfig {
  const config: pg.QueryConfig & { query_timeout: number } = {
    text,
    values,
    query_timeout: timeoutMs,
  };
  return config;
}

/**
 * The sync gap of each configured table, every table queried concurrently on
 * its own pooled connection so one slow table cannot hold the others. Every
 * connection is read-only with a statement_timeout and a lock_timeout, so a slow gap query is
 * cancelled by the server instead of stalling the monitor.
 */
export class SyncGapProbe implements Probe<GapSample> {
  readonly kind = 'postgres' as const;
  private pool: pg.Pool | null = null;
  private readonly plans = new Map<string, QueryPlan>();
  private readonly target: string;

  constructor(
    private readonly connection: PostgresConnectionConfig,
    private readonly watch: PostgresWatch,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.target = urlTarget(connection.url, 5432);
  }

  private statementTimeoutMs(): number {
    // Leaves the poll time to report the cancellation instead of timing out itself.
    return Math.max(100, Math.floor(this.timeoutMs * 0.8));
  }

  private getPool(): pg.Pool {
    if (this.pool) return this.pool;
    // Read-only, named sluice-monitor; idle connections dropped by the server are handled there.
    const pool = createPool(this.connection, 'monitor', {
      timeoutMs: this.timeoutMs,
      maxConnections: Math.max(1, Math.min(4, this.watch.tables.length)),
      statementTimeoutMs: this.statementTimeoutMs(),
    });
    this.pool = pool;
    return pool;
  }

  async poll(): Promise<GapSample> {
    const pool = this.getPool();
    const results = await Promise.all(
      this.watch.tables.map((table) => this.readTable(pool, table)),
    );
    const failures = results.filter((r) => r.failure !== null);
    if (
      results.length > 0 &&
      failures.length === results.length &&
      isConnectionLevel(failures[0]!.failure)
    ) {
      throw failures[0]!.failure;
    }
    return { tables: results.map((r) => r.reading) };
  }

  private async readTable(
    pool: pg.Pool,
    table: GapTable,
  ): Promise<{ reading: GapReading; failure: unknown }> {
    const started = performance.now();
    try {
      const result = await pool.query<{ gap: string; oldest_age_seconds: number | null }>(
        bounded(gapQuery(table), this.timeoutMs),
      );
      const queryMs = Math.round(performance.now() - started);
      const row = result.rows[0];
      const plan = await this.planFor(pool, table).catch(() => this.plans.get(table.table) ?? null);
      return {
        reading: {
          table: table.table,
          count: row ? Number(row.gap) : 0,
          oldestAgeSeconds:
            row && row.oldest_age_seconds !== null
              ? Math.max(0, Number(row.oldest_age_seconds))
              : null,
          queryMs,
          plan,
          error: null,
        },
        failure: null,
      };
    } catch (error) {
      return {
        reading: {
          table: table.table,
          count: null,
          oldestAgeSeconds: null,
          queryMs: null,
          plan: this.plans.get(table.table) ?? null,
          error: this.tableError(error),
        },
        failure: error,
      };
    }
  }

  private tableError(error: unknown): string {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === '57014') {
      return `the gap query ran longer than the ${this.statementTimeoutMs()} ms statement timeout and was cancelled`;
    }
    if (code === '55P03') {
      return 'the gap query gave way at lock_timeout: the table is locked by another session (DDL?)';
    }
    if (!isConnectionLevel(error) && error instanceof Error) {
      return scrubSecrets(`${error.message} (SQLSTATE ${String(code)})`, this.secrets());
    }
    return this.describeFailure(error).message;
  }

  private async planFor(pool: pg.Pool, table: GapTable): Promise<QueryPlan> {
    const known = this.plans.get(table.table);
    if (known && this.now() - Date.parse(known.checkedAt) < PLAN_REFRESH_MS) return known;
    const explain = await pool.query<{ 'QUERY PLAN': unknown }>(
      bounded(explainQuery(table), this.timeoutMs),
    );
    const summary = summarisePlan(explain.rows[0]?.['QUERY PLAN'], table);
    const indexes = await pool.query<{ name: string; predicate: string | null }>(
      bounded(
        `SELECT c.relname AS name, pg_get_expr(i.indpred, i.indrelid) AS predicate
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE i.indrelid = to_regclass($1)`,
        this.timeoutMs,
        [quoteTable(table.table)],
      ),
    );
    const existingIndex = findGapIndex(indexes.rows, table);
    const plan: QueryPlan = {
      ...summary,
      existingIndex,
      // With the index in place a sequential scan is the planner's choice for a small table.
      suggestedIndex: summary.seqScan && existingIndex === null ? suggestIndex(table) : null,
      checkedAt: new Date(this.now()).toISOString(),
    };
    this.plans.set(table.table, plan);
    return plan;
  }

  private secrets(): (string | null)[] {
    return [this.connection.password, urlPassword(this.connection.url)];
  }

  describeFailure(error: unknown): ProbeFailure {
    let user: string | null = null;
    try {
      user = decodeURIComponent(new URL(this.connection.url).username) || null;
    } catch {
      user = null;
    }
    const { cause, message } = classifyConnectionError(error, {
      service: 'postgres',
      target: this.target,
      user,
      tls: /sslmode=(require|verify-ca|verify-full)/.test(this.connection.url),
      timeoutMs: this.timeoutMs,
    });
    return { cause, message: scrubSecrets(message, this.secrets()) };
  }

  async reset(): Promise<void> {
    // The next poll gets a new pool at once; the old one ends once its
    // queries (each bounded by query_timeout) have settled.
    const pool = this.pool;
    this.pool = null;
    if (pool) void pool.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) {
      await Promise.race([
        pool.end().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, this.timeoutMs).unref()),
      ]);
    }
  }
}
