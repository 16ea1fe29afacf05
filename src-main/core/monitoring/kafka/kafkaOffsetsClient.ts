import { kafkaClientConfig } from '../../connectors/kafka';
import type { KafkaConnectionConfig } from '../../connectors/types';
import {
  LIST_GROUPS_API_KEY,
  createKafkaCluster,
  type KafkaBrokerHandle,
  type KafkaClusterHandle,
} from './kafkajsCluster';

/** One request sent to a broker. */
export interface SentRequest {
  apiName: string;
  apiKey: number;
  broker: string;
}

/** Partition -> offset. */
export type PartitionOffsets = Map<number, number>;

export interface GroupOffsets {
  groupId: string;
  /** topic -> partition -> committed offset (partitions never committed are absent). */
  committed: Map<string, PartitionOffsets>;
  error: unknown;
}

export interface GroupDiscovery {
  supported: boolean;
  groups: string[];
}

/** Error codes of OffsetFetch that mean "ask someone else" (the coordinator moved). */
const COORDINATOR_MOVED = new Set([14, 15, 16]); // LOAD_IN_PROGRESS, NOT_AVAILABLE, NOT_COORDINATOR

/** How often topics that did not exist are looked for again. */
const MISSING_TOPIC_RECHECK_MS = 30_000;

class CoordinatorMovedError extends Error {
  constructor(groupId: string, code: number) {
    super(`the coordinator of group ${groupId} moved (error ${code})`);
    this.name = 'CoordinatorMovedError';
  }
}

/**
 * The monitor's Kafka client. One refresh costs one ListOffsets per broker
 * that leads a watched partition (all watched topics in one request each)
 * plus one OffsetFetch per group, sent straight to the group's coordinator,
 * which is looked up once and cached. Metadata is refreshed only when the set
 * of topics changes or it is older than metadataMaxAgeMs.
 */
export class KafkaOffsetsClient {
  private readonly cluster: KafkaClusterHandle;
  private readonly onRequestListeners: ((request: SentRequest) => void)[] = [];
  private connected = false;
  private readonly coordinators = new Map<string, string>();
  private targetTopics = new Set<string>();

  constructor(config: KafkaConnectionConfig, timeoutMs: number, metadataMaxAgeMs = 300_000) {
    const created = createKafkaCluster(
      {
        ...kafkaClientConfig(config, timeoutMs),
        requestTimeout: timeoutMs,
        connectionTimeout: timeoutMs,
      },
      metadataMaxAgeMs,
    );
    this.cluster = created.cluster;
    created.onRequest((event) => {
      const request = { apiName: event.apiName, apiKey: event.apiKey, broker: event.broker };
      for (const listener of this.onRequestListeners) listener(request);
    });
  }

  /** Every request this client sends, by API name (for request budgets in tests and benchmarks). */
  onRequest(listener: (request: SentRequest) => void): void {
    this.onRequestListeners.push(listener);
  }

  private async ensureConnected(): Promise<void> {
    if (this.connected && this.cluster.isConnected()) return;
    await this.cluster.connect();
    this.connected = true;
  }

  /**
   * Makes the watched topics the cluster's metadata targets; returns the ones
   * the cluster does not have. Existence is checked against the list of all
   * topics first: asking a broker for the metadata of a missing topic may
   * create it (auto.create.topics.enable, or brokers that ignore the request's
   * allow-auto-create flag), and a monitor must never create anything.
   */
  async watchTopics(topics: readonly string[]): Promise<string[]> {
    await this.ensureConnected();
    const wanted = new Set(topics);
    const unchanged =
      wanted.size === this.targetTopics.size && [...wanted].every((t) => this.targetTopics.has(t));
    const recheckMissing =
      this.missing.size > 0 && Date.now() - this.missingCheckedAt > MISSING_TOPIC_RECHECK_MS;
    if (unchanged && !recheckMissing) {
      await this.cluster.refreshMetadataIfNecessary();
      return [...this.missing];
    }
    this.missingCheckedAt = Date.now();
    // An empty list asks for every topic.
    const all = await this.cluster.metadata({ topics: [] });
    const existing = new Set(all.topicMetadata.map((t) => t.topic));
    const present = [...wanted].filter((topic) => existing.has(topic));
    if (present.length > 0) await this.cluster.addMultipleTargetTopics(present);
    this.targetTopics = wanted;
    this.missing = new Set([...wanted].filter((topic) => !existing.has(topic)));
    return [...this.missing];
  }

  /** Topics that were asked for but do not exist, as of the last metadata check. */
  private missing = new Set<string>();
  private missingCheckedAt = 0;

  partitionsOf(topic: string): number[] {
    if (this.missing.has(topic)) return [];
    try {
      return this.cluster
        .findTopicPartitionMetadata(topic)
        .map((p) => p.partitionId)
        .sort((a, b) => a - b);
    } catch {
      return [];
    }
  }

  brokerCount(): number {
    try {
      return this.cluster.getNodeIds().length;
    } catch {
      return 0;
    }
  }

  /** Log-end offsets of every partition of the given topics: one ListOffsets per leader broker. */
  async logEndOffsets(topics: readonly string[]): Promise<Map<string, PartitionOffsets>> {
    const request = topics
      .map((topic) => ({
        topic,
        fromBeginning: false,
        partitions: this.partitionsOf(topic).map((partition) => ({ partition })),
      }))
      .filter((entry) => entry.partitions.length > 0);
    const result = new Map<string, PartitionOffsets>();
    if (request.length === 0) return result;
    let replies;
    try {
      replies = await this.cluster.fetchTopicsOffset(request);
    } catch (error) {
      // Leadership moved: the next refresh uses fresh metadata.
      await this.cluster.refreshMetadata().catch(() => undefined);
      throw error;
    }
    for (const { topic, partitions } of replies) {
      const offsets: PartitionOffsets = new Map();
      for (const { partition, offset } of partitions) offsets.set(partition, Number(offset));
      result.set(topic, offsets);
    }
    return result;
  }

  private async coordinator(groupId: string): Promise<KafkaBrokerHandle> {
    let nodeId = this.coordinators.get(groupId);
    if (nodeId === undefined) {
      const found = await this.cluster.findGroupCoordinatorMetadata({ groupId });
      nodeId = String(found.coordinator.nodeId);
      this.coordinators.set(groupId, nodeId);
    }
    return this.cluster.findBroker({ nodeId });
  }

  /** Committed offsets of one group for the given topics: one OffsetFetch. */
  async committedOffsets(groupId: string, topics: readonly string[]): Promise<GroupOffsets> {
    const request = topics
      .map((topic) => ({
        topic,
        partitions: this.partitionsOf(topic).map((partition) => ({ partition })),
      }))
      .filter((entry) => entry.partitions.length > 0);
    const committed = new Map<string, PartitionOffsets>();
    if (request.length === 0) return { groupId, committed, error: null };
    try {
      const broker = await this.coordinator(groupId);
      const reply = await broker.offsetFetch({ groupId, topics: request });
      if (reply.errorCode !== undefined && COORDINATOR_MOVED.has(reply.errorCode)) {
        throw new CoordinatorMovedError(groupId, reply.errorCode);
      }
      for (const { topic, partitions } of reply.responses) {
        const offsets: PartitionOffsets = new Map();
        for (const { partition, offset } of partitions) {
          const value = Number(offset);
          // -1: the group never committed on this partition.
          if (value >= 0) offsets.set(partition, value);
        }
        committed.set(topic, offsets);
      }
      return { groupId, committed, error: null };
    } catch (error) {
      // Look the coordinator up again next time.
      this.coordinators.delete(groupId);
      return { groupId, committed, error };
    }
  }

  /**
   * Consumer groups known to the brokers, via ListGroups on every broker, or
   * supported: false when a broker does not offer ListGroups.
   */
  async listGroups(): Promise<GroupDiscovery> {
    await this.ensureConnected();
    const nodeIds = this.cluster.getNodeIds();
    if (nodeIds.length === 0) throw new Error('no broker is known yet');
    const brokers = await Promise.all(
      nodeIds.map((nodeId) => this.cluster.findBroker({ nodeId: String(nodeId) })),
    );
    if (brokers.some((broker) => !broker.versions || !(LIST_GROUPS_API_KEY in broker.versions))) {
      return { supported: false, groups: [] };
    }
    const replies = await Promise.all(brokers.map((broker) => broker.listGroups()));
    const groups = new Set<string>();
    for (const reply of replies) {
      for (const group of reply.groups) {
        // Groups that only commit offsets have an empty protocol type.
        if (group.protocolType === 'consumer' || group.protocolType === '')
          groups.add(group.groupId);
      }
    }
    return { supported: true, groups: [...groups].sort() };
  }

  /**
   * Commits offsets for a group that has no members (generation -1), the way
   * offset reset tools do. Used to seed groups in benchmarks and tests.
   */
  async commitOffsets(
    groupId: string,
    topics: { topic: string; partitions: { partition: number; offset: number }[] }[],
  ): Promise<void> {
    await this.ensureConnected();
    const broker = await this.coordinator(groupId);
    const reply = await broker.offsetCommit({
      groupId,
      groupGenerationId: -1,
      memberId: '',
      topics: topics.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition, offset }) => ({
          partition,
          offset: String(offset),
        })),
      })),
    });
    for (const { topic, partitions } of reply.responses) {
      const failed = partitions.find((p) => p.errorCode !== 0);
      if (failed) {
        throw new Error(
          `commit of ${groupId} on ${topic}/${failed.partition} failed: error ${failed.errorCode}`,
        );
      }
    }
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    this.coordinators.clear();
    this.targetTopics = new Set();
    this.missing = new Set();
    await this.cluster.disconnect().catch(() => undefined);
  }
}
