import { Redis, type RedisOptions } from 'ioredis';
import { ClosedBeforeAnswerError, withDeadline } from '../connectors/failures';
import type { RedisConnectionConfig } from './config';
import {
  DEADLETTER_COMMAND_TIMEOUT_MS,
  DEADLETTER_CONNECT_TIMEOUT_MS,
  type ClientPurpose,
} from './purposes';
import { linearBackoff } from '@shared/net/backoff';

export type RedisPurpose = Exclude<ClientPurpose, 'group-admin'>;

/** What a purpose makes of an ioredis client (see purposes.ts). */
export function redisOptions(
  config: RedisConnectionConfig,
  purpose: RedisPurpose,
  timeoutMs: number,
): RedisOptions {
  const common: RedisOptions = {
    ...(config.password !== null ? { password: config.password } : {}),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    // Fail fast while disconnected: nobody waits on a command queued for a dead server.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
  };
  if (purpose === 'deadletters') {
    return {
      ...common,
      connectionName: 'sluice-deadletters',
      connectTimeout: DEADLETTER_CONNECT_TIMEOUT_MS,
      commandTimeout: DEADLETTER_COMMAND_TIMEOUT_MS,
      // A replay job pauses and probes; the connection comes back by itself meanwhile.
      retryStrategy: (times) => linearBackoff(times, { stepMs: 200, maxMs: 2000 }),
    };
  }
  return {
    ...common,
    ...(purpose === 'monitor' ? { connectionName: 'sluice-monitor' } : {}),
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // No retry storms against a dead server: the owner opens a fresh connection.
    retryStrategy: () => null,
    reconnectOnError: () => false,
  };
}

/** The one place an ioredis client is constructed. It does not connect yet. */
export function createRedisClient(
  config: RedisConnectionConfig,
  purpose: RedisPurpose,
  timeoutMs: number,
): Redis {
  return new Redis(config.url, redisOptions(config, purpose, timeoutMs));
}

/**
 * A connected client that reconnects by itself (the dead-letter purpose).
 * Its 'error' events are swallowed: an unhandled one would crash the process,
 * and commands reject on their own.
 */
export async function openRedisClient(
  config: RedisConnectionConfig,
  purpose: RedisPurpose,
  timeoutMs: number,
): Promise<Redis> {
  const client = createRedisClient(config, purpose, timeoutMs);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

/**
 * Closes a client politely: QUIT lets the server close cleanly, with a bounded
 * wait, then the socket goes regardless.
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'ready') await withDeadline(client.quit(), 1000).catch(() => undefined);
  client.disconnect();
}

export interface RedisConnectionOptions {
  /** ioredis's connect and command timeouts. */
  timeoutMs: number;
  /** What the connection is for (its name on the server, see purposes.ts). */
  purpose?: Exclude<RedisPurpose, 'deadletters'>;
}

/**
 * One ioredis connection, opened on demand. It never reconnects by itself and
 * queues nothing while disconnected (no retry storms against a dead server, no
 * command waiting on one): after a failure the next client() opens a fresh
 * connection. Every 'error' event is caught here (an unhandled one would crash
 * the process) and kept, because ioredis rejects connect() and commands with
 * generic texts while the event names the cause.
 */
export class RedisConnection {
  private current: Redis | null = null;
  private opening: Promise<Redis> | null = null;
  private first: unknown = null;
  private last: unknown = null;

  constructor(
    private readonly config: RedisConnectionConfig,
    private readonly options: RedisConnectionOptions,
  ) {}

  /** Whether a connection is open and ready now. */
  get ready(): boolean {
    return this.current !== null && this.current.status === 'ready';
  }

  /** The latest 'error' the current connection emitted (null if none). */
  get lastError(): unknown {
    return this.last;
  }

  /** A ready connection, opened if needed. Rejects with the driver's error. */
  client(): Promise<Redis> {
    if (this.current && this.current.status === 'ready') return Promise.resolve(this.current);
    if (!this.opening) {
      this.drop();
      this.opening = this.open().finally(() => {
        this.opening = null;
      });
    }
    return this.opening;
  }

  private async open(): Promise<Redis> {
    const client = createRedisClient(
      this.config,
      this.options.purpose ?? 'connection-test',
      this.options.timeoutMs,
    );
    this.first = null;
    this.last = null;
    client.on('error', (error: unknown) => {
      if (this.current !== client) return;
      if (this.first === null) this.first = error;
      this.last = error;
    });
    this.current = client;
    try {
      await client.connect();
      return client;
    } catch {
      // Let a pending 'error' event land before choosing what to report.
      await new Promise((resolve) => setImmediate(resolve));
      const reported = this.first;
      client.disconnect();
      if (this.current === client) this.current = null;
      // Without an 'error' event, connect() only ever fails because the server
      // hung up before answering (ioredis then rejects with a generic text).
      throw reported ?? new ClosedBeforeAnswerError();
    }
  }

  /** Forgets the current connection and frees its socket at once. */
  drop(): void {
    const client = this.current;
    this.current = null;
    client?.disconnect();
  }

  async close(): Promise<void> {
    const client = this.current;
    this.current = null;
    if (client) await closeRedisClient(client);
  }
}
