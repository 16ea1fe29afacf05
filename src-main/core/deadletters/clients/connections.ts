import { Redis } from 'ioredis';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import pg from 'pg';
import { SluiceError } from '@shared/contract';
import type { EnvironmentRecord } from '../../environments/repository';
import { withPassword } from '../../environments/urlSecrets';

/** What the workbench needs from environments: the record and its stored passwords. */
export interface EnvironmentAccess {
  require(id: string): EnvironmentRecord;
  secret(environmentId: string, slot: 'redis' | 'postgres' | 'kafka-sasl'): Promise<string | null>;
}

export const CONNECT_TIMEOUT_MS = 5000;
/** Commands carry whole batches (a Lua move of hundreds of entries, a 10 MB payload). */
export const COMMAND_TIMEOUT_MS = 30_000;
export const STATEMENT_TIMEOUT_MS = 60_000;

interface EnvironmentClients {
  redis?: Promise<Redis>;
  postgres?: pg.Pool;
  kafka?: Kafka;
}

function notConfigured(environment: EnvironmentRecord, service: string): SluiceError {
  return new SluiceError(
    'INVALID_INPUT',
    `environment "${environment.name}" has no ${service} connection configured`,
  );
}

function saslOptions(
  sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string },
  password: string,
): SASLOptions {
  const { mechanism, username } = sasl;
  if (mechanism === 'plain') return { mechanism, username, password };
  if (mechanism === 'scram-sha-256') return { mechanism, username, password };
  return { mechanism, username, password };
}

/**
 * The workbench's own clients, one set per environment, opened on first use
 * and closed when the environment changes. Redis replies come back as Buffers
 * where bytes matter; nothing here ever decodes a payload to a string.
 */
export class DeadLetterConnections {
  private readonly clients = new Map<string, EnvironmentClients>();

  constructor(private readonly environments: EnvironmentAccess) {}

  private slot(environmentId: string): EnvironmentClients {
    let entry = this.clients.get(environmentId);
    if (!entry) {
      entry = {};
      this.clients.set(environmentId, entry);
    }
    return entry;
  }

  async redis(environmentId: string): Promise<Redis> {
    const slot = this.slot(environmentId);
    if (!slot.redis) {
      const opening = this.openRedis(environmentId);
      slot.redis = opening;
      // A failed open is not cached: the next call tries again.
      opening.catch(() => {
        if (slot.redis === opening) delete slot.redis;
      });
    }
    return slot.redis;
  }

  private async openRedis(environmentId: string): Promise<Redis> {
    const environment = this.environments.require(environmentId);
    if (environment.redisUrl === null) throw notConfigured(environment, 'Redis');
    const password = await this.environments.secret(environmentId, 'redis');
    const client = new Redis(environment.redisUrl, {
      ...(password !== null ? { password } : {}),
      connectionName: 'sluice-deadletters',
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Fail fast while disconnected: a replay job pauses and probes instead of
      // queueing commands whose outcome nobody would wait for.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (times) => Math.min(200 * times, 2000),
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw error;
    }
    return client;
  }

  async postgres(environmentId: string): Promise<pg.Pool> {
    const slot = this.slot(environmentId);
    if (slot.postgres) return slot.postgres;
    const environment = this.environments.require(environmentId);
    if (environment.postgresUrl === null) throw notConfigured(environment, 'PostgreSQL');
    const password = await this.environments.secret(environmentId, 'postgres');
    const pool = new pg.Pool({
      connectionString: withPassword(environment.postgresUrl, password),
      max: 4,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      query_timeout: STATEMENT_TIMEOUT_MS + 5000,
      application_name: 'sluice-deadletters',
    });
    pool.on('error', () => undefined);
    slot.postgres = pool;
    return pool;
  }

  async kafka(environmentId: string): Promise<Kafka> {
    const slot = this.slot(environmentId);
    if (slot.kafka) return slot.kafka;
    const environment = this.environments.require(environmentId);
    if (environment.kafka === null) throw notConfigured(environment, 'Kafka');
    const config = environment.kafka;
    const password = config.sasl
      ? await this.environments.secret(environmentId, 'kafka-sasl')
      : null;
    if (config.sasl && password === null) {
      throw new SluiceError(
        'INVALID_INPUT',
        `environment "${environment.name}" has no SASL password`,
      );
    }
    const kafkaConfig: KafkaConfig = {
      clientId: `${config.clientId}-deadletters`,
      brokers: config.brokers,
      ssl: config.ssl ? { rejectUnauthorized: config.sslRejectUnauthorized } : false,
      ...(config.sasl && password !== null ? { sasl: saslOptions(config.sasl, password) } : {}),
      connectionTimeout: CONNECT_TIMEOUT_MS,
      authenticationTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: COMMAND_TIMEOUT_MS,
      enforceRequestTimeout: true,
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
      logLevel: logLevel.NOTHING,
    };
    slot.kafka = new Kafka(kafkaConfig);
    return slot.kafka;
  }

  /** The brokers of an environment as host:port text, for messages. */
  kafkaTarget(environmentId: string): string {
    return this.environments.require(environmentId).kafka?.brokers.join(',') ?? 'Kafka';
  }

  async closeEnvironment(environmentId: string): Promise<void> {
    const slot = this.clients.get(environmentId);
    if (!slot) return;
    this.clients.delete(environmentId);
    const redis = await slot.redis?.catch(() => null);
    redis?.disconnect();
    await slot.postgres?.end().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.clients.keys()].map((id) => this.closeEnvironment(id)));
  }
}
