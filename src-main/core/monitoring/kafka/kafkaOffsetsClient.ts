import { linearBackoff } from '@shared/net/backoff';
import type { KafkaConnectionConfig } from '../../clients/config';
import { createCluster } from '../../clients/kafka';
import {
  COORDINATOR_MOVED,
  CoordinatorBatches,
  protocolErrorCode,
  type GroupOffsets,
  type PartitionOffsets,
  type WireGroup,
} from './coordinatorBatches';
import {
  LIST_GROUPS_API_KEY,
  type KafkaBrokerHandle,
  type KafkaClusterHandle,
} from './kafkajsCluster';

export { GroupOffsetsError, type GroupOffsets, type PartitionOffsets } from './coordinatorBatches';

/** One request sent to a broker. */
export interface SentRequest {
  apiName: string;
  apiKey: number;
  apiVersion: number;
  broker: string;
}

/** The topics asked for a group: named ones, or every topic it has committed offsets on. */
export type TopicSelection = readonly string[] | 'all';

export interface GroupOffsetsRequest {
  groupId: string;
  topics: TopicSelection;
}

/**
 * Groups per batched OffsetFetch and per batched FindCoordinator: bounds
 * the work one request asks of a coordinator (and the size of its answer)
 * on clusters with tens of thousands of groups.
 */
export const GROUPS_PER_REQUEST = 200;

export interface GroupDiscovery {
  supported: boolean;
  groups: string[];
}

/** How often topics that did not exist are looked for again. */
const MISSING_TOPIC_RECHECK_MS = 30_000;

/**
 * The monitor's Kafka client. One refresh costs one ListOffsets per broker
 * that leads a watched partition (all watched topics in one request each)
 * plus, per group coordinator, one OffsetFetch v8 for every GROUPS_PER_REQUEST
 * groups (KIP-709). Coordinators are looked up once, GROUPS_PER_REQUEST keys
 * per FindCoordinator v4 (KIP-699), and cached. Brokers older than Kafka 3.0
 * (and librdkafka's mock cluster) get one OffsetFetch per group instead.
 * Metadata is refreshed only when the set of topics changes or it is older
 * than metadataMaxAgeMs.
 */
export class KafkaOffsetsClient {
  private readonly cluster: KafkaClusterHandle;
  private readonly onRequestListeners: ((request: SentRequest) => void)[] = [];
  private connected = false;
  private readonly batches: CoordinatorBatches;
  private targetTopics = new Set<string>();

  constructor(
    config: KafkaConnectionConfig,
    private readonly timeoutMs: number,
    metadataMaxAgeMs = 300_000,
    options: { groupsPerRequest?: number } = {},
  ) {
    const created = createCluster(config, 'monitor', timeoutMs, metadataMaxAgeMs);
    this.cluster = created.cluster;
    this.batches = new CoordinatorBatches(
      this.cluster,
      config.sasl?.username ?? null,
      options.groupsPerRequest ?? GROUPS_PER_REQUEST,
      timeoutMs,
    );
    created.onRequest((event) => {
      const request = {
        apiName: event.apiName,
        apiKey: event.apiKey,
        apiVersion: event.apiVersion,
        broker: event.broker,
      };
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
    let nodeId = this.batches.coordinators.get(groupId);
    if (nodeId === undefined) {
      const found = await this.cluster.findGroupCoordinatorMetadata({ groupId });
      nodeId = String(found.coordinator.nodeId);
      this.batches.coordinators.set(groupId, nodeId);
    }
    return this.cluster.findBroker({ nodeId });
  }

  /** Committed offsets of one group (see committedOffsetsOfGroups). */
  async committedOffsets(groupId: string, topics: TopicSelection): Promise<GroupOffsets> {
    const [result] = await this.committedOffsetsOfGroups([{ groupId, topics }]);
    return result!;
  }

  /**
   * Committed offsets of many groups, in the order asked. Groups are sorted
   * by coordinator; each coordinator gets one OffsetFetch v8 per
   * GROUPS_PER_REQUEST groups, one request at a time, coordinators in
   * parallel. A group that fails (its coordinator moved, it is not
   * authorized, its coordinator is down) carries its own error; the others
   * are unaffected. Named topics that do not exist are left out.
   */
  async committedOffsetsOfGroups(
    requests: readonly GroupOffsetsRequest[],
  ): Promise<GroupOffsets[]> {
    await this.ensureConnected();
    // Coordinators are node ids: the brokers must be known (watchTopics usually did this).
    if (this.cluster.getNodeIds().length === 0) await this.cluster.refreshMetadata();
    const results = new Map<string, GroupOffsets>();
    const wire = new Map<string, WireGroup>();
    for (const { groupId, topics } of requests) {
      // A group asked twice is fetched once, with the first topics asked.
      if (wire.has(groupId) || results.has(groupId)) continue;
      if (topics === 'all') {
        wire.set(groupId, { groupId, topics: null });
        continue;
      }
      const named = topics
        .map((topic) => ({ topic, partitions: this.partitionsOf(topic) }))
        .filter((entry) => entry.partitions.length > 0);
      if (named.length === 0) results.set(groupId, { groupId, committed: new Map(), error: null });
      else wire.set(groupId, { groupId, topics: named });
    }

    await this.batches.fetch(wire, results);
    return requests.map(({ groupId }) => results.get(groupId)!);
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
   * offset reset tools do. Used to seed groups in benchmarks and tests; a
   * coordinator that moved or is not ready yet (a fresh cluster creates its
   * offsets topic on the first look-up) is asked again, a few times.
   */
  async commitOffsets(
    groupId: string,
    topics: { topic: string; partitions: { partition: number; offset: number }[] }[],
  ): Promise<void> {
    await this.ensureConnected();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.commitOnce(groupId, topics);
        return;
      } catch (error) {
        const code = protocolErrorCode(error);
        const retriable =
          (code !== null && COORDINATOR_MOVED.has(code)) ||
          (error instanceof Error && error.name === 'KafkaJSGroupCoordinatorNotFound');
        if (attempt >= 10 || !retriable) throw error;
        this.batches.coordinators.delete(groupId);
        await new Promise((resolve) =>
          setTimeout(resolve, linearBackoff(attempt, { stepMs: 100 })),
        );
      }
    }
  }

  private async commitOnce(
    groupId: string,
    topics: { topic: string; partitions: { partition: number; offset: number }[] }[],
  ): Promise<void> {
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
    this.batches.coordinators.clear();
    this.targetTopics = new Set();
    this.missing = new Set();
    await this.cluster.disconnect().catch(() => undefined);
  }
}
