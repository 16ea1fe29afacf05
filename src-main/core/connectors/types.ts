import type { ConnectionTestResult, ServiceKind } from '@shared/contract/channels/environments';

// The connection settings are declared once, by the client factory.
export type {
  ConfigFor,
  ConnectionConfig,
  KafkaConnectionConfig,
  KafkaSaslMechanism,
  PostgresConnectionConfig,
  RedisConnectionConfig,
} from '../clients/config';
export { DEFAULT_CONNECT_TIMEOUT_MS } from '../clients/purposes';

export interface ConnectorOptions {
  /** Bound on every connect and request of test(); default 5000 ms. */
  timeoutMs?: number;
}

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
