import type { ConnectionTestResult, ServiceKind } from '@shared/contract/channels/environments';

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

/** What a registry or a one-off test needs to open a connector. */
export type ConnectionConfig =
  | { kind: 'redis'; config: RedisConnectionConfig }
  | { kind: 'postgres'; config: PostgresConnectionConfig }
  | { kind: 'kafka'; config: KafkaConnectionConfig };

export type ConfigFor<K extends ServiceKind> = Extract<ConnectionConfig, { kind: K }>['config'];

export interface ConnectorOptions {
  /** Bound on every connect and request of test(); default 5000 ms. */
  timeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/**
 * One open (or openable) connection to one server. Connectors open lazily:
 * test() connects if needed and reuses the connection afterwards; close()
 * releases every socket, and a later test() opens a new connection.
 */
export interface Connector {
  readonly kind: ServiceKind;
  /** Never throws: a failure comes back as { ok: false, cause, message }. */
  test(): Promise<ConnectionTestResult>;
  close(): Promise<void>;
}
