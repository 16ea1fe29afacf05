import type { ServiceKind } from '@shared/contract/channels/environments';

/**
 * What a client needs to reach each kind of server, with the password
 * resolved from the secret store. Declared once: environments, connection
 * tests, monitors, dead letters and group admin all take these.
 */

/** A Redis server. The password travels beside the URL, never inside it. */
export interface RedisConnectionConfig {
  /** redis:// or rediss:// without a password. */
  url: string;
  password: string | null;
}

/** A PostgreSQL server. The password travels beside the URL, never inside it. */
export interface PostgresConnectionConfig {
  /** postgres:// or postgresql:// without a password. */
  url: string;
  password: string | null;
}

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaConnectionConfig {
  /** host:port of one or more seed brokers. */
  brokers: string[];
  clientId: string;
  ssl: boolean;
  /** With ssl: false accepts self-signed certificates. */
  sslRejectUnauthorized: boolean;
  sasl: { mechanism: KafkaSaslMechanism; username: string; password: string } | null;
}

/** One server's connection settings, tagged with its kind. */
export type ConnectionConfig =
  | { kind: 'redis'; config: RedisConnectionConfig }
  | { kind: 'postgres'; config: PostgresConnectionConfig }
  | { kind: 'kafka'; config: KafkaConnectionConfig };

export type ConfigFor<K extends ServiceKind> = Extract<ConnectionConfig, { kind: K }>['config'];

/** A server's connection, or why there is none (not configured, a password missing). */
export type Resolved<T> = { config: T } | { config: null; reason: string };

/** Every server of one environment, each resolved or with its reason. */
export interface EnvironmentConnections {
  redis: Resolved<RedisConnectionConfig>;
  kafka: Resolved<KafkaConnectionConfig>;
  postgres: Resolved<PostgresConnectionConfig>;
}
