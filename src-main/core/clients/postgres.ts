import pg from 'pg';
import type { PostgresConnectionConfig } from './config';
import {
  CONNECTION_TEST_LOCK_TIMEOUT_MS,
  DEADLETTER_CONNECT_TIMEOUT_MS,
  DEADLETTER_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  DEADLETTER_LOCK_TIMEOUT_MS,
  DEADLETTER_STATEMENT_TIMEOUT_MS,
  DRIVER_GRACE_MS,
  MONITOR_LOCK_TIMEOUT_MS,
  MONITOR_STATEMENT_TIMEOUT_MS,
  type ClientPurpose,
} from './purposes';

export type PostgresPurpose = Exclude<ClientPurpose, 'group-admin'>;

/**
 * The password goes into the connection string, not beside it: node-postgres
 * lets the parsed URL override an explicit `password` option (with '' when the
 * URL has none). The string lives only in this process's memory.
 */
export function connectionStringWithPassword(url: string, password: string | null): string {
  if (password === null) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

export interface PoolOptions {
  /** The owner's deadline on a connect (monitor, connection test). */
  timeoutMs?: number;
  /** Pool size; the purpose's default otherwise. */
  maxConnections?: number;
  /** Server-side bound on every statement; the purpose's default otherwise. */
  statementTimeoutMs?: number;
  /** Server-side bound on every lock wait; the purpose's default otherwise. */
  lockTimeoutMs?: number;
}

/** What a purpose makes of a node-postgres pool (see purposes.ts). */
export function poolConfig(
  config: PostgresConnectionConfig,
  purpose: PostgresPurpose,
  options: PoolOptions = {},
): pg.PoolConfig {
  const connectionString = connectionStringWithPassword(config.url, config.password);
  const timeoutMs = options.timeoutMs ?? DEADLETTER_CONNECT_TIMEOUT_MS;
  switch (purpose) {
    case 'connection-test': {
      const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
      return {
        connectionString,
        max: options.maxConnections ?? 4,
        // Just behind the test deadline: the driver frees the socket if the deadline fires first.
        connectionTimeoutMillis: timeoutMs + DRIVER_GRACE_MS,
        idleTimeoutMillis: 30_000,
        statement_timeout: statementTimeoutMs,
        lock_timeout: options.lockTimeoutMs ?? CONNECTION_TEST_LOCK_TIMEOUT_MS,
        query_timeout: statementTimeoutMs + 1000,
        application_name: 'sluice',
        allowExitOnIdle: true,
      };
    }
    case 'monitor':
      return {
        connectionString,
        max: options.maxConnections ?? 4,
        connectionTimeoutMillis: timeoutMs,
        idleTimeoutMillis: 60_000,
        statement_timeout: options.statementTimeoutMs ?? MONITOR_STATEMENT_TIMEOUT_MS,
        lock_timeout: options.lockTimeoutMs ?? MONITOR_LOCK_TIMEOUT_MS,
        application_name: 'sluice-monitor',
        // A filter is operator text: the connection cannot write whatever it says.
        options: '-c default_transaction_read_only=on',
      };
    case 'deadletters': {
      const statementTimeoutMs = options.statementTimeoutMs ?? DEADLETTER_STATEMENT_TIMEOUT_MS;
      return {
        connectionString,
        max: options.maxConnections ?? 4,
        connectionTimeoutMillis: DEADLETTER_CONNECT_TIMEOUT_MS,
        idleTimeoutMillis: 30_000,
        statement_timeout: statementTimeoutMs,
        lock_timeout: options.lockTimeoutMs ?? DEADLETTER_LOCK_TIMEOUT_MS,
        idle_in_transaction_session_timeout: DEADLETTER_IDLE_IN_TRANSACTION_TIMEOUT_MS,
        query_timeout: statementTimeoutMs + 5000,
        application_name: 'sluice-deadletters',
      };
    }
  }
}

/**
 * The one place a node-postgres pool is constructed. Connections open when a
 * query needs one. An idle connection the server drops (a restart) emits
 * 'error' on the pool and on its client; unhandled, either would crash the
 * process, and the next query reports the failure anyway.
 */
export function createPool(
  config: PostgresConnectionConfig,
  purpose: PostgresPurpose,
  options: PoolOptions = {},
): pg.Pool {
  const pool = new pg.Pool(poolConfig(config, purpose, options));
  pool.on('error', () => undefined);
  if (purpose === 'monitor') pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
