import type Redis from 'ioredis';
import { classifyConnectionError } from '../../connectors/classify';
import { scrubSecrets, urlPassword, urlTarget } from '../../connectors/failures';
import type { RedisConnectionConfig } from '../../clients/config';
import { RedisConnection } from '../../clients/redis';
import type { ProbeFailure } from '../poller';

/** An error with a system code (ECONNREFUSED, ENOTFOUND...) names its own cause. */
function isDriverFailure(error: unknown): boolean {
  return typeof (error as { code?: unknown } | null)?.code === 'string';
}

/**
 * The monitor's own Redis connection (see RedisConnection): a poll on a dead
 * connection fails at once, the poller backs off, and the next poll opens a
 * fresh connection. Failures are described from the connection's own error,
 * which names the cause better than a command's rejection.
 */
export class RedisMonitorClient {
  private readonly connection: RedisConnection;

  constructor(
    private readonly config: RedisConnectionConfig,
    private readonly timeoutMs: number,
  ) {
    this.connection = new RedisConnection(config, { timeoutMs, purpose: 'monitor' });
  }

  client(): Promise<Redis> {
    return this.connection.client();
  }

  describe(error: unknown): ProbeFailure {
    const target = urlTarget(this.config.url, 6379);
    const lost = !this.connection.ready;
    const lastError = this.connection.lastError;
    // A command rejected because the socket went away says little; the
    // connection's own error (ECONNREFUSED, ECONNRESET...) says why.
    if (lost && lastError === null && !isDriverFailure(error)) {
      return { cause: 'unknown', message: `${target} closed the connection` };
    }
    const { cause, message } = classifyConnectionError(lost ? (lastError ?? error) : error, {
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
    this.connection.drop();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
