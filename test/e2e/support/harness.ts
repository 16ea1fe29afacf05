import { createServer } from 'node:net';
import {
  startKafka,
  startPostgres,
  startRedis,
  type KafkaCluster,
  type PostgresServer,
  type RedisServer,
} from '../../../sandbox/servers';

export interface Harness {
  postgres: PostgresServer;
  redis: RedisServer;
  kafka: KafkaCluster;
  stop(): Promise<void>;
}

/**
 * Real PostgreSQL, Redis (with a password) and a one-broker Kafka cluster on
 * 127.0.0.1. If one fails to start, the ones already started are stopped.
 */
export async function startHarness(passwords: {
  postgres: string;
  redis: string;
}): Promise<Harness> {
  const started: { stop(): Promise<void> }[] = [];
  try {
    const postgres = await startPostgres({ password: passwords.postgres });
    started.push(postgres);
    const redis = await startRedis({ password: passwords.redis });
    started.push(redis);
    const kafka = await startKafka({ brokers: 1 });
    started.push(kafka);
    return {
      postgres,
      redis,
      kafka,
      stop: async () => {
        await Promise.allSettled(started.map((server) => server.stop()));
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((server) => server.stop()));
    throw error;
  }
}

/** A port nothing listens on (bound, then released), for "connection refused". */
export async function closedPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function redisUrlWithPassword(
  redis: RedisServer,
  password: string,
  port = redis.port,
): string {
  return `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
}

export function postgresUrl(postgres: PostgresServer, password: string): string {
  return `postgres://${encodeURIComponent(postgres.user)}:${encodeURIComponent(password)}@127.0.0.1:${postgres.port}/${encodeURIComponent(postgres.database)}`;
}
