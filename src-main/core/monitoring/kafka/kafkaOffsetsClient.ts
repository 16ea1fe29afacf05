import { createRequire } from 'node:module';
import { kafkaClientConfig } from '../../connectors/kafka';
import type { KafkaConnectionConfig } from '../../connectors/types';
import {
  FIND_COORDINATOR_API_KEY,
  FIND_COORDINATOR_BATCHED_VERSION,
  OFFSET_FETCH_API_KEY,
  OFFSET_FETCH_BATCHED_VERSION,
  findCoordinatorV4,
  offsetFetchV8,
  type OffsetFetchGroupReply,
  type OffsetFetchGroupRequest,
} from './groupOffsetsProtocol';
import {
  LIST_GROUPS_API_KEY,
  createKafkaCluster,
  type KafkaBrokerHandle,
  type KafkaClusterHandle,
  type OffsetFetchReply,
} from './kafkajsCluster';

const require = createRequire(import.meta.url);
const { errorCodes } = require('kafkajs/src/protocol/error') as {
  errorCodes: { type: string; code: number; message: string }[];
};

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

/** Requests in flight to one coordinator where it takes one group per OffsetFetch. */
const PER_GROUP_CONCURRENCY = 16;

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

/**
 * What the broker answered for one group, in words an operator can act on.
 * The message is complete: it names the group and, where it matters, the user.
 */
export class GroupOffsetsError extends Error {
  readonly type: string;
  constructor(
    readonly groupId: string,
    readonly code: number,
    user: string | null,
    brokerMessage: string | null = null,
  ) {
    const known = errorCodes.find((e) => e.code === code);
    const type = known?.type ?? `error ${code}`;
    super(describeGroupError(groupId, code, type, user, brokerMessage ?? known?.message ?? null));
    this.name = 'GroupOffsetsError';
    this.type = type;
  }

  /** The coordinator moved or is not ready: it is looked up again on the next refresh. */
  get coordinatorMoved(): boolean {
    return COORDINATOR_MOVED.has(this.code);
  }
}

function describeGroupError(
  groupId: string,
  code: number,
  type: string,
  user: string | null,
  brokerMessage: string | null,
): string {
  const as = user ? ` as user ${user}` : '';
  switch (code) {
    case 14:
      return `the coordinator of group ${groupId} is still loading its offsets (${type}); asked again on the next refresh`;
    case 15:
      return `no coordinator is available for group ${groupId} (${type}); looked up again on the next refresh`;
    case 16:
      return `the coordinator of group ${groupId} moved to another broker (${type}); looked up again on the next refresh`;
    case 29:
      return `not allowed${as} to describe a topic of group ${groupId} (${type}): the DESCRIBE permission on the topic is missing`;
    case 30:
      return `not allowed${as} to read the offsets of group ${groupId} (${type}): the DESCRIBE permission on the group is missing`;
    default:
      return `the broker refused the offsets of group ${groupId}: ${type}${brokerMessage ? ` (${brokerMessage})` : ''}`;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** Runs `work` over items with at most `limit` in flight. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** The Kafka error code of a KafkaJSProtocolError, null for anything else. */
function protocolErrorCode(error: unknown): number | null {
  if (!(error instanceof Error) || error.name !== 'KafkaJSProtocolError') return null;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

function supports(broker: KafkaBrokerHandle, apiKey: number, version: number): boolean {
  const range = broker.versions?.[apiKey];
  return range !== undefined && range.minVersion <= version && range.maxVersion >= version;
}

/** A group's wire request: null topics ask for every topic it committed on. */
type WireGroup = OffsetFetchGroupRequest;

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
  private readonly coordinators = new Map<string, string>();
  private targetTopics = new Set<string>();
  private readonly user: string | null;
  private readonly groupsPerRequest: number;

  constructor(
    config: KafkaConnectionConfig,
    private readonly timeoutMs: number,
    metadataMaxAgeMs = 300_000,
    options: { groupsPerRequest?: number } = {},
  ) {
    this.user = config.sasl?.username ?? null;
    this.groupsPerRequest = options.groupsPerRequest ?? GROUPS_PER_REQUEST;
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
    let nodeId = this.coordinators.get(groupId);
    if (nodeId === undefined) {
      const found = await this.cluster.findGroupCoordinatorMetadata({ groupId });
      nodeId = String(found.coordinator.nodeId);
      this.coordinators.set(groupId, nodeId);
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

    const unlocated = [...wire.keys()].filter((groupId) => !this.coordinators.has(groupId));
    for (const [groupId, error] of await this.locateCoordinators(unlocated)) {
      results.set(groupId, { groupId, committed: new Map(), error });
      wire.delete(groupId);
    }
    const byCoordinator = new Map<string, WireGroup[]>();
    for (const group of wire.values()) {
      const nodeId = this.coordinators.get(group.groupId)!;
      const list = byCoordinator.get(nodeId) ?? [];
      list.push(group);
      byCoordinator.set(nodeId, list);
    }
    await Promise.all(
      [...byCoordinator].map(([nodeId, groups]) =>
        this.fetchFromCoordinator(nodeId, groups, results),
      ),
    );
    return requests.map(({ groupId }) => results.get(groupId)!);
  }

  /**
   * Finds and caches the coordinators of these groups; returns the groups
   * whose look-up failed, with the reason. Batched (FindCoordinator v4) where
   * the broker takes it, one look-up per group otherwise.
   */
  private async locateCoordinators(groupIds: readonly string[]): Promise<Map<string, unknown>> {
    const failed = new Map<string, unknown>();
    if (groupIds.length === 0) return failed;
    let broker: KafkaBrokerHandle;
    try {
      broker = await this.anyBroker();
    } catch (error) {
      for (const groupId of groupIds) failed.set(groupId, error);
      return failed;
    }
    if (!supports(broker, FIND_COORDINATOR_API_KEY, FIND_COORDINATOR_BATCHED_VERSION)) {
      await eachLimited(groupIds, PER_GROUP_CONCURRENCY, async (groupId) => {
        try {
          const found = await this.cluster.findGroupCoordinatorMetadata({ groupId });
          this.coordinators.set(groupId, String(found.coordinator.nodeId));
        } catch (error) {
          failed.set(groupId, error);
        }
      });
      return failed;
    }
    for (const chunk of chunks(groupIds, this.groupsPerRequest)) {
      try {
        const reply = await broker.connectionPool.send({
          ...findCoordinatorV4(chunk),
          requestTimeout: this.timeoutMs,
        });
        const answered = new Set<string>();
        for (const found of reply.coordinators) {
          answered.add(found.key);
          if (found.errorCode === 0) this.coordinators.set(found.key, String(found.nodeId));
          else
            failed.set(
              found.key,
              new GroupOffsetsError(found.key, found.errorCode, this.user, found.errorMessage),
            );
        }
        for (const groupId of chunk) {
          if (!answered.has(groupId))
            failed.set(groupId, new Error(`the broker named no coordinator for group ${groupId}`));
        }
      } catch (error) {
        for (const groupId of chunk) failed.set(groupId, error);
      }
    }
    return failed;
  }

  /** A connected broker, trying each known one in turn. */
  private async anyBroker(): Promise<KafkaBrokerHandle> {
    const nodeIds = this.cluster.getNodeIds();
    if (nodeIds.length === 0) throw new Error('no broker is known yet');
    const start = Math.floor(Math.random() * nodeIds.length);
    let lastError: unknown = null;
    for (let i = 0; i < nodeIds.length; i += 1) {
      try {
        return await this.cluster.findBroker({
          nodeId: String(nodeIds[(start + i) % nodeIds.length]),
        });
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  private async fetchFromCoordinator(
    nodeId: string,
    groups: readonly WireGroup[],
    results: Map<string, GroupOffsets>,
  ): Promise<void> {
    const fail = (group: WireGroup, error: unknown) => {
      // Look the coordinator up again next time.
      this.coordinators.delete(group.groupId);
      results.set(group.groupId, { groupId: group.groupId, committed: new Map(), error });
    };
    let broker: KafkaBrokerHandle;
    try {
      broker = await this.cluster.findBroker({ nodeId });
    } catch (error) {
      for (const group of groups) fail(group, error);
      return;
    }
    if (!supports(broker, OFFSET_FETCH_API_KEY, OFFSET_FETCH_BATCHED_VERSION)) {
      await eachLimited(groups, PER_GROUP_CONCURRENCY, async (group) => {
        try {
          const reply = await broker.offsetFetch({
            groupId: group.groupId,
            // kafkajs sends an empty list as null: every topic of the group.
            topics: (group.topics ?? []).map(({ topic, partitions }) => ({
              topic,
              partitions: partitions.map((partition) => ({ partition })),
            })),
          });
          const result = this.readPerGroupReply(group.groupId, reply);
          if (result.error instanceof GroupOffsetsError && result.error.coordinatorMoved)
            this.coordinators.delete(group.groupId);
          results.set(group.groupId, result);
        } catch (error) {
          // kafkajs throws the broker's error codes: word them like the batched path does.
          const code = protocolErrorCode(error);
          fail(
            group,
            code === null ? error : new GroupOffsetsError(group.groupId, code, this.user),
          );
        }
      });
      return;
    }
    // One request at a time per coordinator: its request threads also serve the consumers.
    for (const chunk of chunks(groups, this.groupsPerRequest)) {
      try {
        const reply = await broker.connectionPool.send({
          ...offsetFetchV8(chunk),
          requestTimeout: this.timeoutMs,
        });
        const byId = new Map(reply.groups.map((group) => [group.groupId, group]));
        for (const group of chunk) {
          const answer = byId.get(group.groupId);
          if (!answer) {
            fail(group, new Error(`the coordinator did not answer for group ${group.groupId}`));
            continue;
          }
          const result = this.readGroupReply(answer);
          if (result.error instanceof GroupOffsetsError && result.error.coordinatorMoved)
            this.coordinators.delete(group.groupId);
          results.set(group.groupId, result);
        }
      } catch (error) {
        for (const group of chunk) fail(group, error);
      }
    }
  }

  private readGroupReply(reply: OffsetFetchGroupReply): GroupOffsets {
    const { groupId } = reply;
    if (reply.errorCode !== 0) {
      return {
        groupId,
        committed: new Map(),
        error: new GroupOffsetsError(groupId, reply.errorCode, this.user),
      };
    }
    const committed = new Map<string, PartitionOffsets>();
    let partitionError = 0;
    for (const { topic, partitions } of reply.topics) {
      const offsets: PartitionOffsets = new Map();
      for (const { partition, offset, errorCode } of partitions) {
        if (errorCode !== 0) partitionError ||= errorCode;
        // -1: the group never committed on this partition.
        else if (offset >= 0) offsets.set(partition, offset);
      }
      committed.set(topic, offsets);
    }
    const error = partitionError ? new GroupOffsetsError(groupId, partitionError, this.user) : null;
    return { groupId, committed, error };
  }

  /** kafkajs's answer to a one-group OffsetFetch (v1 to v4). */
  private readPerGroupReply(groupId: string, reply: OffsetFetchReply): GroupOffsets {
    if (reply.errorCode !== undefined && reply.errorCode !== 0) {
      return {
        groupId,
        committed: new Map(),
        error: new GroupOffsetsError(groupId, reply.errorCode, this.user),
      };
    }
    return this.readGroupReply({
      groupId,
      errorCode: 0,
      topics: reply.responses.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map((p) => ({
          partition: p.partition,
          offset: Number(p.offset),
          errorCode: p.errorCode ?? 0,
        })),
      })),
    });
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
        this.coordinators.delete(groupId);
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
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
    this.coordinators.clear();
    this.targetTopics = new Set();
    this.missing = new Set();
    await this.cluster.disconnect().catch(() => undefined);
  }
}
