import { createHash } from 'node:crypto';
import type { ConnectionTestResult, ServiceKind } from '@shared/contract/channels/environments';
import type { Logger } from '@shared/log/logger';
import { KafkaConnector } from './kafka';
import { PostgresConnector } from './postgres';
import { RedisConnector } from './redis';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './types';
import type { ConfigFor, ConnectionConfig, Connector, ConnectorOptions } from './types';

/** The connector class for each kind, so get() returns the precise type. */
export interface ConnectorFor {
  redis: RedisConnector;
  postgres: PostgresConnector;
  kafka: KafkaConnector;
}

export type ConnectorFactory = (
  connection: ConnectionConfig,
  options: ConnectorOptions,
) => Connector;

export function createConnector(
  connection: ConnectionConfig,
  options: ConnectorOptions = {},
): Connector {
  switch (connection.kind) {
    case 'redis':
      return new RedisConnector(connection.config, options);
    case 'postgres':
      return new PostgresConnector(connection.config, options);
    case 'kafka':
      return new KafkaConnector(connection.config, options);
  }
}

/** Opens a fresh connector, tests it and closes it, whatever the outcome. */
export async function testOnce<K extends ServiceKind>(
  kind: K,
  config: ConfigFor<K>,
  timeoutMs: number = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<ConnectionTestResult> {
  const connector = createConnector({ kind, config } as ConnectionConfig, { timeoutMs });
  try {
    return await connector.test();
  } finally {
    await connector.close();
  }
}

/**
 * A one-way digest of a connection's settings: the registry notices a changed
 * URL or password without keeping a second copy of the secret.
 */
function fingerprint(connection: ConnectionConfig): string {
  return createHash('sha256').update(JSON.stringify(connection)).digest('hex');
}

interface Entry {
  environmentId: string;
  kind: ServiceKind;
  connector: Connector;
  fingerprint: string;
}

export interface ConnectorRegistryOptions {
  logger?: Logger;
  /** Timeout for the registry's connectors; default 5000 ms. */
  timeoutMs?: number;
  /** Replaces the connector classes, for tests of code built on the registry. */
  factory?: ConnectorFactory;
}

export interface HealthReport {
  environmentId: string;
  kind: ServiceKind;
  result: ConnectionTestResult;
}

/**
 * Owns the long-lived connectors, one per (environment, kind). Monitors ask
 * for a connector with get(); a changed configuration replaces it; removing an
 * environment or shutting down closes them. A dead server shows up as a failed
 * health check, never as a thrown error.
 */
export class ConnectorRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly logger: Logger | undefined;
  private readonly timeoutMs: number;
  private readonly factory: ConnectorFactory;

  constructor(options: ConnectorRegistryOptions = {}) {
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.factory = options.factory ?? createConnector;
  }

  private static key(environmentId: string, kind: ServiceKind): string {
    return `${environmentId}\u0000${kind}`;
  }

  /**
   * The connector for this environment and kind, created if absent. If the
   * configuration changed since it was created, the old one is closed (in the
   * background) and a new one takes its place. Connectors connect lazily.
   */
  get<K extends ServiceKind>(
    environmentId: string,
    connection: Extract<ConnectionConfig, { kind: K }>,
  ): ConnectorFor[K] {
    const key = ConnectorRegistry.key(environmentId, connection.kind);
    const print = fingerprint(connection);
    const existing = this.entries.get(key);
    if (existing && existing.fingerprint === print) return existing.connector as ConnectorFor[K];
    if (existing) {
      this.entries.delete(key);
      void this.closeQuietly(environmentId, connection.kind, existing.connector);
    }
    const connector = this.factory(connection, { timeoutMs: this.timeoutMs });
    this.entries.set(key, {
      environmentId,
      kind: connection.kind,
      connector,
      fingerprint: print,
    });
    return connector as ConnectorFor[K];
  }

  /** The open connector, if any, without creating one. */
  peek(environmentId: string, kind: ServiceKind): Connector | undefined {
    return this.entries.get(ConnectorRegistry.key(environmentId, kind))?.connector;
  }

  /** Tests the open connector for (environment, kind); null when there is none. */
  async healthCheck(
    environmentId: string,
    kind: ServiceKind,
  ): Promise<ConnectionTestResult | null> {
    const connector = this.peek(environmentId, kind);
    return connector ? connector.test() : null;
  }

  /** Tests every open connector at once; one slow server does not delay the others' answers. */
  async healthCheckAll(): Promise<HealthReport[]> {
    const checks = [...this.entries.values()].map(async (entry) => ({
      environmentId: entry.environmentId,
      kind: entry.kind,
      result: await entry.connector.test(),
    }));
    return Promise.all(checks);
  }

  /** Opens a fresh connector outside the registry, tests it and closes it. */
  testOnce(
    connection: ConnectionConfig,
    timeoutMs: number = this.timeoutMs,
  ): Promise<ConnectionTestResult> {
    return testOnce(connection.kind, connection.config, timeoutMs);
  }

  async close(environmentId: string, kind: ServiceKind): Promise<void> {
    const key = ConnectorRegistry.key(environmentId, kind);
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    await this.closeQuietly(environmentId, kind, entry.connector);
  }

  /** Closes every connector of one environment (it was removed or edited). */
  async closeEnvironment(environmentId: string): Promise<void> {
    const kinds: ServiceKind[] = ['redis', 'postgres', 'kafka'];
    await Promise.all(kinds.map((kind) => this.close(environmentId, kind)));
  }

  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      entries.map((entry) => this.closeQuietly(entry.environmentId, entry.kind, entry.connector)),
    );
  }

  /** Number of open connectors, for diagnostics and tests. */
  get size(): number {
    return this.entries.size;
  }

  private async closeQuietly(
    environmentId: string,
    kind: ServiceKind,
    connector: Connector,
  ): Promise<void> {
    try {
      await connector.close();
    } catch (error) {
      this.logger?.warn('closing a connector failed', { environmentId, kind, error });
    }
  }
}
