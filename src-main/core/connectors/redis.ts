import Redis from 'ioredis';
import type { ConnectionTestResult } from '../../../src-preload/contract/channels/environments';
import { classifyConnectionError } from './classify';
import type { FailureContext } from './classify';
import {
  ClosedBeforeAnswerError,
  elapsedSince,
  failureResult,
  urlPassword,
  urlTarget,
  withDeadline,
} from './failures';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './types';
import type { Connector, ConnectorOptions, RedisConnectionConfig } from './types';

/** The redis_version line of INFO server. */
export function redisVersionFromInfo(info: string): string | null {
  const match = /^redis_version:(\S+)/m.exec(info);
  return match?.[1] ?? null;
}

function userOf(url: string): string | null {
  try {
    const user = new URL(url).username;
    return user ? decodeURIComponent(user) : null;
  } catch {
    return null;
  }
}

/**
 * One ioredis connection, opened on demand. It never reconnects by itself
 * (no retry storms against a dead server): after a failure the next test()
 * or client() opens a fresh connection.
 */
/**
 * Closes a client politely: QUIT lets the server close cleanly, with a bounded
 * wait, then the socket goes regardless.
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'ready') await withDeadline(client.quit(), 1000).catch(() => undefined);
  client.disconnect();
}

export class RedisConnector implements Connector {
  readonly kind = 'redis' as const;
  private readonly timeoutMs: number;
  private current: Redis | null = null;
  private opening: Promise<Redis> | null = null;
  /** The first 'error' the current connection emitted: ioredis rejects connect() with a generic text. */
  private firstError: unknown = null;

  constructor(
    private readonly config: RedisConnectionConfig,
    options: ConnectorOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  private get secrets(): (string | null)[] {
    return [this.config.password, urlPassword(this.config.url)];
  }

  private failureContext(): FailureContext {
    return {
      service: 'redis',
      target: urlTarget(this.config.url, 6379),
      user: userOf(this.config.url),
      tls: this.config.url.startsWith('rediss:'),
      timeoutMs: this.timeoutMs,
    };
  }

  private async open(): Promise<Redis> {
    const client = new Redis(this.config.url, {
      ...(this.config.password !== null ? { password: this.config.password } : {}),
      lazyConnect: true,
      // The driver's own timers sit just behind the test deadline, so they only
      // matter when a command outlives it and its socket must still be freed.
      connectTimeout: this.timeoutMs + 500,
      commandTimeout: this.timeoutMs + 500,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
    });
    this.firstError = null;
    client.on('error', (error: unknown) => {
      if (this.current === client && this.firstError === null) this.firstError = error;
    });
    this.current = client;
    try {
      await client.connect();
      return client;
    } catch {
      // Let a pending 'error' event land before choosing what to report.
      await new Promise((resolve) => setImmediate(resolve));
      const reported = this.firstError;
      client.disconnect();
      if (this.current === client) this.current = null;
      // Without an 'error' event, connect() only ever fails because the server
      // hung up before answering (ioredis then rejects with a generic text).
      throw reported ?? new ClosedBeforeAnswerError();
    }
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

  async test(): Promise<ConnectionTestResult> {
    const startedAt = performance.now();
    const reused = this.current !== null && this.current.status === 'ready';
    try {
      const { version, rttMs } = await withDeadline(
        this.probe().catch((error: unknown) => {
          // A kept connection may have died since the last use (server restart,
          // idle cut): one fresh attempt tells whether the server itself is down.
          if (!reused) throw error;
          this.drop();
          return this.probe();
        }),
        this.timeoutMs,
      );
      return { ok: true, service: 'redis', version, rttMs };
    } catch (error) {
      this.drop();
      const { cause, message } = classifyConnectionError(error, this.failureContext());
      return failureResult('redis', cause, message, startedAt, this.secrets);
    }
  }

  /** INFO server for the version, then PING for the round trip. */
  private async probe(): Promise<{ version: string; rttMs: number }> {
    const client = await this.client();
    const info = await client.info('server');
    const pingStart = performance.now();
    await client.ping();
    return { version: redisVersionFromInfo(info) ?? 'unknown', rttMs: elapsedSince(pingStart) };
  }

  /** Forgets the current connection and frees its socket at once. */
  private drop(): void {
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
