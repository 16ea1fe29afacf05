import { Redis } from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import pg from 'pg';
import { linearBackoff } from '@shared/net/backoff';

export interface RedisConnection {
  url: string;
  password?: string | null;
}

/**
 * A Redis client with every call bounded: connect, each command, and a small
 * number of reconnect attempts per queued command. `blockingMs` raises the
 * command timeout above the longest blocking call this client makes.
 */
export function createRedis(conn: RedisConnection, name: string, blockingMs = 0): Redis {
  const client = new Redis(conn.url, {
    ...(conn.password ? { password: conn.password } : {}),
    connectionName: name,
    connectTimeout: 3000,
    commandTimeout: 5000 + blockingMs,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => linearBackoff(times, { stepMs: 200, maxMs: 2000 }),
    lazyConnect: true,
  });
  // Errors surface on the commands that fail; the event would otherwise be unhandled.
  client.on('error', () => undefined);
  return client;
}

export interface PoolOptions {
  max?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

/** A pg pool with connect, statement and query timeouts. */
export function createPgPool(url: string, options: PoolOptions = {}): pg.Pool {
  const statementTimeout = options.statementTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + 2000,
    application_name: options.applicationName ?? 'sandbox',
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs a MULTI and throws the first per-command error (EXEC reports those as values). */
export async function execChecked(multi: ChainableCommander): Promise<unknown[]> {
  const replies = await multi.exec();
  if (!replies) throw new Error('Redis transaction was discarded');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
