import type { AclFilter, Admin, Kafka } from 'kafkajs';
import { createKafka } from '../clients/kafka';
import type { ConnectionTestResult } from '@shared/contract/channels/environments';
import { classifyConnectionError } from './classify';
import type { FailureContext } from './classify';
import { NotAuthorisedError, elapsedSince, failureResult, withDeadline } from './failures';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './types';
import type { Connector, ConnectorOptions, KafkaConnectionConfig } from './types';

export interface ClusterDescription {
  brokers: { nodeId: number; host: string; port: number }[];
  controller: number | null;
  clusterId: string;
}

/** "3 brokers, controller 2": what a Kafka test reports as the version. */
export function describeClusterVersion(cluster: ClusterDescription): string {
  const count = cluster.brokers.length;
  const brokers = `${count} broker${count === 1 ? '' : 's'}`;
  const controller =
    cluster.controller === null || cluster.controller < 0
      ? 'no controller'
      : `controller ${cluster.controller}`;
  return `${brokers}, ${controller}`;
}

/** "3 topics visible": how much of the cluster this login may describe. */
export function describeVisibleTopics(count: number): string {
  return `${count} topic${count === 1 ? '' : 's'} visible`;
}

/**
 * The ACLs on the cluster resource itself: a handful at most, so the answer
 * stays small however many ACLs the cluster holds. Only the error matters.
 * The numbers are kafkajs's enum values: kafkajs is CommonJS and Node's ESM
 * loader (which runs this file under `npm run serve`) does not see its ACL
 * enums as named exports.
 */
const CLUSTER_ACLS: AclFilter = {
  resourceType: 4, // AclResourceTypes.CLUSTER
  resourceName: 'kafka-cluster',
  resourcePatternType: 3, // ResourcePatternTypes.LITERAL
  operation: 1, // AclOperationTypes.ANY
  permissionType: 1, // AclPermissionTypes.ANY
};

export { kafkaClientConfig } from '../clients/kafka';

/**
 * A kafkajs client and its admin connection, opened on demand. A failed test
 * disconnects the admin, so the next use reconnects from the seed brokers.
 */
export class KafkaConnector implements Connector {
  readonly kind = 'kafka' as const;
  private readonly timeoutMs: number;
  /** The kafkajs client: producers and consumers for this cluster are made from it. */
  readonly kafka: Kafka;
  private current: Admin | null = null;
  private connecting: Promise<Admin> | null = null;
  private pending: Admin | null = null;
  /** Bumped by close(), so a connect that finishes afterwards is dropped. */
  private generation = 0;

  constructor(
    private readonly config: KafkaConnectionConfig,
    options: ConnectorOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.kafka = createKafka(config, 'connection-test', this.timeoutMs);
  }

  private failureContext(): FailureContext {
    return {
      service: 'kafka',
      target: this.config.brokers.join(', '),
      user: this.config.sasl?.username ?? null,
      tls: this.config.ssl,
      timeoutMs: this.timeoutMs,
    };
  }

  /** A connected admin client, connecting if needed. */
  admin(): Promise<Admin> {
    if (this.current) return Promise.resolve(this.current);
    if (!this.connecting) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      const generation = this.generation;
      this.pending = admin;
      this.connecting = admin.connect().then(
        () => {
          this.connecting = null;
          this.pending = null;
          if (generation !== this.generation) {
            // close() ran while this was connecting: the connection is unwanted.
            void admin.disconnect().catch(() => undefined);
            throw new Error('the connector was closed while connecting');
          }
          this.current = admin;
          return admin;
        },
        async (error: unknown) => {
          this.connecting = null;
          this.pending = null;
          await admin.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    return this.connecting;
  }

  async test(): Promise<ConnectionTestResult> {
    const startedAt = performance.now();
    const reused = this.current !== null;
    try {
      const { version, rttMs, clusterId, topics } = await withDeadline(
        this.probe().catch(async (error: unknown) => {
          // A kept admin connection may have been cut since its last use: one
          // fresh connection tells whether the cluster itself is down.
          if (!reused) throw error;
          await this.close();
          return this.probe();
        }),
        this.timeoutMs,
      );
      return {
        ok: true,
        service: 'kafka',
        version,
        rttMs,
        details: `cluster id ${clusterId}; ${describeVisibleTopics(topics)}`,
      };
    } catch (error) {
      // Not awaited: a connect still in flight may take until the driver's own
      // timeout to let go, and the caller should not wait for that. close()
      // marks it unwanted at once, so it is dropped the moment it settles.
      void this.close();
      const { cause, message } = classifyConnectionError(error, this.failureContext());
      return failureResult('kafka', cause, message, startedAt, [this.config.sasl?.password]);
    }
  }

  /**
   * describeCluster twice: the first pays for connect and handshake, the
   * second is the round trip. Then the topics this login may describe, since
   * Kafka lets every login describe the cluster, ACLs or not.
   */
  private async probe(): Promise<{
    version: string;
    rttMs: number;
    clusterId: string;
    topics: number;
  }> {
    const admin = await this.admin();
    const cluster = await admin.describeCluster();
    const pingStart = performance.now();
    await admin.describeCluster();
    const rttMs = elapsedSince(pingStart);
    const topics = (await admin.listTopics()).length;
    if (topics === 0) await this.assertTopicsNotHidden(admin);
    return {
      version: describeClusterVersion(cluster),
      rttMs,
      clusterId: cluster.clusterId,
      topics,
    };
  }

  /**
   * No topic in the metadata means either an empty cluster or an authorizer
   * hiding every topic from this login; a login without ACLs would otherwise
   * pass the test and then see nothing in any panel. DescribeAcls tells the
   * two apart: SECURITY_DISABLED (no authorizer) and an answer (a login
   * trusted to read the cluster's ACLs) are taken to mean nothing is hidden;
   * CLUSTER_AUTHORIZATION_FAILED means an authorizer judges this login and
   * lets it see no topic at all.
   */
  private async assertTopicsNotHidden(admin: Admin): Promise<void> {
    try {
      await admin.describeAcls(CLUSTER_ACLS);
    } catch (error) {
      if ((error as { type?: unknown }).type === 'CLUSTER_AUTHORIZATION_FAILED') {
        throw new NotAuthorisedError(
          'describe any topic (it logged in, but the broker shows it no topic at all)',
        );
      }
      // SECURITY_DISABLED, a broker without DescribeAcls, a late answer: nothing
      // says a topic is hidden, and the cluster itself answered.
    }
  }

  async close(): Promise<void> {
    this.generation += 1;
    const admins = [this.current, this.pending].filter((admin) => admin !== null);
    this.current = null;
    this.pending = null;
    this.connecting = null;
    await Promise.all(
      admins.map((admin) =>
        withDeadline(admin.disconnect(), this.timeoutMs).catch(() => undefined),
      ),
    );
  }
}
