import { SluiceError, type ServiceKind } from '@shared/contract';
import type { EnvironmentRecord } from '../environments/repository';
import type { SecretSlot } from '../environments/service';
import type {
  EnvironmentConnections,
  KafkaConnectionConfig,
  PostgresConnectionConfig,
  RedisConnectionConfig,
  Resolved,
} from './config';

/** What connecting needs from environments: the stored record and its passwords. */
export interface EnvironmentAccess {
  require(id: string): EnvironmentRecord;
  secret(environmentId: string, slot: SecretSlot): Promise<string | null>;
}

/**
 * The one resolution of an environment's credentials: the record holds the
 * URLs without passwords and the Kafka settings without the SASL password,
 * the secret store holds the passwords. Nothing passes through the masked
 * view the renderer sees.
 */
export async function resolveRedis(
  environments: EnvironmentAccess,
  record: EnvironmentRecord,
): Promise<Resolved<RedisConnectionConfig>> {
  if (record.redisUrl === null) return notConfigured('redis');
  const password = await environments.secret(record.id, 'redis');
  return { config: { url: record.redisUrl, password } };
}

export async function resolvePostgres(
  environments: EnvironmentAccess,
  record: EnvironmentRecord,
): Promise<Resolved<PostgresConnectionConfig>> {
  if (record.postgresUrl === null) return notConfigured('postgres');
  const password = await environments.secret(record.id, 'postgres');
  return { config: { url: record.postgresUrl, password } };
}

export async function resolveKafka(
  environments: EnvironmentAccess,
  record: EnvironmentRecord,
): Promise<Resolved<KafkaConnectionConfig>> {
  const kafka = record.kafka;
  if (kafka === null) return notConfigured('kafka');
  let sasl: KafkaConnectionConfig['sasl'] = null;
  if (kafka.sasl) {
    const password = await environments.secret(record.id, 'kafka-sasl');
    if (password === null) return { config: null, reason: 'SASL needs a password' };
    sasl = { ...kafka.sasl, password };
  }
  return {
    config: {
      brokers: kafka.brokers,
      clientId: kafka.clientId,
      ssl: kafka.ssl,
      sslRejectUnauthorized: kafka.sslRejectUnauthorized,
      sasl,
    },
  };
}

/**
 * Every server of the environment, resolved at once. A secret store that
 * fails makes that server's reason, not an error: the other servers are
 * still watched.
 */
export async function resolveConnections(
  environments: EnvironmentAccess,
  record: EnvironmentRecord,
): Promise<EnvironmentConnections> {
  const [redis, kafka, postgres] = await Promise.all([
    orReason(resolveRedis(environments, record)),
    orReason(resolveKafka(environments, record)),
    orReason(resolvePostgres(environments, record)),
  ]);
  return { redis, kafka, postgres };
}

async function orReason<T>(resolving: Promise<Resolved<T>>): Promise<Resolved<T>> {
  try {
    return await resolving;
  } catch (error) {
    const reason =
      error instanceof SluiceError ? error.message : 'the connection settings could not be read';
    return { config: null, reason };
  }
}

function notConfigured(kind: ServiceKind): { config: null; reason: string } {
  return { config: null, reason: `no ${kind} connection in this environment` };
}
