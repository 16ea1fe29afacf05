import Redis from 'ioredis';
import { ClosedBeforeAnswerError, withDeadline } from './failures';
import type { RedisConnectionConfig } from './types';

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
  /** CLIENT SETNAME, so the connection can be told apart on the server. */
  connectionName?: string;
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
    const client = new Redis(this.config.url, {
      ...(this.config.password !== null ? { password: this.config.password } : {}),
      ...(this.options.connectionName ? { connectionName: this.options.connectionName } : {}),
      lazyConnect: true,
      connectTimeout: this.options.timeoutMs,
      commandTimeout: this.options.timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
    });
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
