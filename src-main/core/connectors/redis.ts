import type Redis from 'ioredis';
import type { ConnectionTestResult } from '@shared/contract/channels/environments';
import { classifyConnectionError } from './classify';
import type { FailureContext } from './classify';
import { elapsedSince, failureResult, urlPassword, urlTarget, withDeadline } from './failures';
import { RedisConnection } from '../clients/redis';
import { DRIVER_GRACE_MS } from '../clients/purposes';
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

/** Connection tests over one kept connection (see RedisConnection). */
export class RedisConnector implements Connector {
  readonly kind = 'redis' as const;
  private readonly timeoutMs: number;
  private readonly connection: RedisConnection;

  constructor(
    private readonly config: RedisConnectionConfig,
    options: ConnectorOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // The driver's own timers sit just behind the test deadline, so they only
    // matter when a command outlives it and its socket must still be freed.
    this.connection = new RedisConnection(config, {
      timeoutMs: this.timeoutMs + DRIVER_GRACE_MS,
      purpose: 'connection-test',
    });
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

  /** A ready connection, opened if needed. Rejects with the driver's error. */
  client(): Promise<Redis> {
    return this.connection.client();
  }

  async test(): Promise<ConnectionTestResult> {
    const startedAt = performance.now();
    const reused = this.connection.ready;
    try {
      const { version, rttMs } = await withDeadline(
        this.probe().catch((error: unknown) => {
          // A kept connection may have died since the last use (server restart,
          // idle cut): one fresh attempt tells whether the server itself is down.
          if (!reused) throw error;
          this.connection.drop();
          return this.probe();
        }),
        this.timeoutMs,
      );
      return { ok: true, service: 'redis', version, rttMs };
    } catch (error) {
      this.connection.drop();
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

  async close(): Promise<void> {
    await this.connection.close();
  }
}
