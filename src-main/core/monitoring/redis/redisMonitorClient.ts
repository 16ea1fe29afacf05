import Redis from 'ioredis';
import { classifyConnectionError } from '../../connectors/classify';
import { closeRedisClient } from '../../connectors/redis';
import {
  ClosedBeforeAnswerError,
  scrubSecrets,
  urlPassword,
  urlTarget,
} from '../../connectors/failures';
import type { RedisConnectionConfig } from '../../connectors/types';
import type { SourceFailure } from '../poller';

/** An error with a system code (ECONNREFUSED, ENOTFOUND...) names its own cause. */
function isDriverFailure(error: unknown): boolean {
  return typeof (error as { code?: unknown } | null)?.code === 'string';
}

/**
 * The monitor's own Redis connection. It never reconnects by itself and queues
 * nothing while disconnected: a poll on a dead connection fails at once, the
 * poller backs off, and the next poll opens a fresh connection. Every 'error'
 * event is caught here (an unhandled one would crash the process) and kept as
 * the cause to report, since ioredis rejects commands with generic texts.
 */
export class RedisMonitorClient {
  private current: Redis | null = null;
  private opening: Promise<Redis> | null = null;
  private lastError: unknown = null;

  constructor(
    private readonly config: RedisConnectionConfig,
    private readonly timeoutMs: number,
  ) {}

  async client(): Promise<Redis> {
    if (this.current && this.current.status === 'ready') return this.current;
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
      lazyConnect: true,
      connectionName: 'sluice-monitor',
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
    });
    this.lastError = null;
    client.on('error', (error: unknown) => {
      if (this.current === client) this.lastError = error;
    });
    this.current = client;
    try {
      await client.connect();
      return client;
    } catch (error) {
      // Let a pending 'error' event land before choosing what to report.
      await new Promise((resolve) => setImmediate(resolve));
      const reported = this.lastError ?? error;
      client.disconnect();
      if (this.current === client) this.current = null;
      throw reported ?? new ClosedBeforeAnswerError();
    }
  }

  /** The error the connection reported, which names the cause better than a command's rejection. */
  connectionError(): unknown {
    return this.lastError;
  }

  describe(error: unknown): SourceFailure {
    const target = urlTarget(this.config.url, 6379);
    const lost = this.current === null || this.current.status !== 'ready';
    // A command rejected because the socket went away says little; the
    // connection's own error (ECONNREFUSED, ECONNRESET...) says why.
    if (lost && this.lastError === null && !isDriverFailure(error)) {
      return { cause: 'unknown', message: `${target} closed the connection` };
    }
    const { cause, message } = classifyConnectionError(lost ? (this.lastError ?? error) : error, {
      service: 'redis',
      target,
      user: null,
      tls: this.config.url.startsWith('rediss:'),
      timeoutMs: this.timeoutMs,
    });
    return {
      cause,
      message: scrubSecrets(message, [this.config.password, urlPassword(this.config.url)]),
    };
  }

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
