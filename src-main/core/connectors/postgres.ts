import type pg from 'pg';
import { createPool } from '../clients/postgres';
import type { ConnectionTestResult } from '@shared/contract/channels/environments';
import { classifyConnectionError } from './classify';
import type { FailureContext } from './classify';
import { elapsedSince, failureResult, urlPassword, urlTarget, withDeadline } from './failures';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './types';
import type { Connector, ConnectorOptions, PostgresConnectionConfig } from './types';

export interface PostgresConnectorOptions extends ConnectorOptions {
  /** Server-side bound on any statement run through the pool; default 15 s. */
  statementTimeoutMs?: number;
  /** Pool size; default 4 (a console needs few connections). */
  maxConnections?: number;
}

const TLS_SSLMODES = new Set(['require', 'verify-ca', 'verify-full', 'prefer', 'allow']);

export { connectionStringWithPassword } from '../clients/postgres';

/** node-postgres honours a per-query query_timeout; its type definitions do not list it. */
function boundedQuery(text: string, timeoutMs: number): pg.QueryConfig {
  const config: pg.QueryConfig & { query_timeout: number } = { text, query_timeout: timeoutMs };
  return config;
}

function describeUrl(url: string): { user: string | null; tls: boolean } {
  try {
    const parsed = new URL(url);
    const sslmode = parsed.searchParams.get('sslmode');
    const ssl = parsed.searchParams.get('ssl');
    return {
      user: parsed.username ? decodeURIComponent(parsed.username) : null,
      tls: (sslmode !== null && TLS_SSLMODES.has(sslmode)) || ssl === 'true' || ssl === '1',
    };
  } catch {
    return { user: null, tls: false };
  }
}

/**
 * A small node-postgres pool, created on demand. After a failed test the
 * pool is thrown away, so the next use starts from fresh sockets.
 */
export class PostgresConnector implements Connector {
  readonly kind = 'postgres' as const;
  private readonly timeoutMs: number;
  private readonly statementTimeoutMs: number;
  private readonly maxConnections: number;
  private current: pg.Pool | null = null;

  constructor(
    private readonly config: PostgresConnectionConfig,
    options: PostgresConnectorOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
    this.maxConnections = options.maxConnections ?? 4;
  }

  private get secrets(): (string | null)[] {
    return [this.config.password, urlPassword(this.config.url)];
  }

  private failureContext(): FailureContext {
    const { user, tls } = describeUrl(this.config.url);
    return {
      service: 'postgres',
      target: urlTarget(this.config.url, 5432),
      user,
      tls,
      timeoutMs: this.timeoutMs,
    };
  }

  /** The pool, created if needed. Connections open when a query needs one. */
  pool(): pg.Pool {
    if (this.current) return this.current;
    const pool = createPool(this.config, 'connection-test', {
      timeoutMs: this.timeoutMs,
      maxConnections: this.maxConnections,
      statementTimeoutMs: this.statementTimeoutMs,
    });
    this.current = pool;
    return pool;
  }

  async test(): Promise<ConnectionTestResult> {
    const startedAt = performance.now();
    const reused = this.current !== null;
    try {
      const { version, rttMs } = await withDeadline(
        this.probe().catch((error: unknown) => {
          // A kept pool may hold connections the server has since dropped: one
          // attempt on a fresh pool tells whether the server itself is down.
          if (!reused) throw error;
          if (this.current) this.discard(this.current);
          return this.probe();
        }),
        this.timeoutMs,
      );
      return { ok: true, service: 'postgres', version, rttMs };
    } catch (error) {
      if (this.current) this.discard(this.current);
      const { cause, message } = classifyConnectionError(error, this.failureContext());
      return failureResult('postgres', cause, message, startedAt, this.secrets);
    }
  }

  /** SHOW server_version for the version, then SELECT 1 for the round trip. */
  private async probe(): Promise<{ version: string; rttMs: number }> {
    const client = await this.pool().connect();
    const ignoreError = (): void => undefined;
    client.on('error', ignoreError);
    let failed = false;
    try {
      const shown = await client.query<{ server_version: string }>(
        boundedQuery('SHOW server_version', this.timeoutMs),
      );
      const pingStart = performance.now();
      await client.query(boundedQuery('SELECT 1', this.timeoutMs));
      return {
        version: shown.rows[0]?.server_version ?? 'unknown',
        rttMs: elapsedSince(pingStart),
      };
    } catch (error) {
      // A connection that failed mid-query is not fit for reuse; it keeps the
      // no-op listener so its last gasps are not unhandled errors.
      failed = true;
      throw error;
    } finally {
      if (!failed) client.off('error', ignoreError);
      client.release(failed);
    }
  }

  /** Stops using `pool`; it ends in the background once its pending work settles. */
  private discard(pool: pg.Pool): void {
    if (this.current === pool) this.current = null;
    pool.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    const pool = this.current;
    this.current = null;
    if (pool) await withDeadline(pool.end(), this.timeoutMs).catch(() => undefined);
  }
}
