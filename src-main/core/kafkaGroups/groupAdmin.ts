import { AssignerProtocol, type Kafka } from 'kafkajs';
import type { GroupMember, GroupState } from '@shared/contract';
import type { KafkaConnectionConfig } from '../clients/config';
import { createCluster, createKafka } from '../clients/kafka';
import type { CreatedCluster } from '../clients/kafkajsCluster';
import {
  GroupNotEmptyError,
  MEMBERS_PRESENT,
  explainMetadataError,
  kafkaErrorType,
} from './kafkaErrors';
import type { PartitionPosition } from './resetPlan';

export { GroupNotEmptyError, explainMetadataError } from './kafkaErrors';

const GROUP_STATES: ReadonlySet<string> = new Set([
  'Stable',
  'PreparingRebalance',
  'CompletingRebalance',
  'Empty',
  'Dead',
]);

export interface GroupSnapshot {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocol: string;
  members: GroupMember[];
}

export interface TopicWatermarks {
  partition: number;
  low: number;
  high: number;
}

/** One topic of the cluster as Metadata for all topics reports it. */
export interface TopicListing {
  name: string;
  partitions: number;
  internal: boolean;
}

/** One group as ListGroups reports it. */
export interface GroupListing {
  groupId: string;
  protocolType: string;
}

/** One request sent to a broker (for request budgets in tests). */
export interface SentRequest {
  apiName: string;
  broker: string;
}

/** What the group service needs from the cluster (GroupAdmin is the real one). */
export interface GroupAdminPort {
  connect(): Promise<void>;
  describe(groupId: string): Promise<GroupSnapshot>;
  committed(groupId: string): Promise<Map<string, Map<number, number>>>;
  watermarks(topic: string): Promise<TopicWatermarks[]>;
  positions(
    topic: string,
    committed: Map<number, number> | undefined,
    partitions: readonly number[] | null,
    timestamp: number | null,
  ): Promise<{ positions: PartitionPosition[]; unknown: number[]; partitionCount: number }>;
  commit(
    groupId: string,
    rows: readonly { topic: string; partition: number; offset: number }[],
  ): Promise<void>;
  /** Every topic with its partition count (Metadata for all topics). */
  listTopics(): Promise<TopicListing[]>;
  /**
   * Records held per topic (high − low watermark summed over its partitions),
   * null for a topic with a partition that has no leader. ListOffsets batched
   * per leader broker: two requests per broker however many topics.
   */
  topicRecords(topics: readonly string[]): Promise<Map<string, number | null>>;
  /** Groups known to the cluster (ListGroups on every broker). */
  listGroups(): Promise<GroupListing[]>;
  close(): Promise<void>;
}

export type GroupAdminFactory = (
  config: KafkaConnectionConfig,
  timeoutMs: number,
) => GroupAdminPort;

/**
 * Metadata for all topics as kafkajs decodes it (v1 and later). The typed
 * handle in kafkajsCluster.ts declares only the fields the monitor reads.
 */
interface FullMetadata {
  topicMetadata: {
    topic: string;
    topicErrorCode: number;
    isInternal?: boolean;
    partitionMetadata: { partitionId: number; leader: number }[];
  }[];
}

/**
 * Kafka flags __consumer_offsets and __transaction_state as internal; the
 * double underscore is the convention its other own topics follow too
 * (__share_group_state, Connect's and Streams' defaults do not use it).
 */
function isInternalTopic(name: string, flagged: boolean | undefined): boolean {
  return flagged === true || name.startsWith('__');
}

function decodeAssignment(buffer: Buffer | null | undefined): GroupMember['assignment'] {
  if (!buffer || buffer.length === 0) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    if (!decoded) return [];
    return Object.entries(decoded.assignment)
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  } catch {
    // Not the consumer protocol's encoding (a Connect worker, a custom client): nothing to show.
    return [];
  }
}

/**
 * The admin calls behind group pages and offset resets, on one short-lived
 * kafkajs client per operation: these are rare, operator-driven calls, and a
 * client that lives only for the call cannot be left half-broken by an outage.
 */
export class GroupAdmin implements GroupAdminPort {
  private readonly kafka: Kafka;
  private readonly admin: ReturnType<Kafka['admin']>;

  /** The Cluster the catalog's batched requests go through, made on first use. */
  private catalogCluster: CreatedCluster | null = null;

  constructor(
    private readonly config: KafkaConnectionConfig,
    private readonly timeoutMs: number,
    /** Sees every request the catalog sends (its Cluster and the admin client). */
    private readonly onRequest?: (request: SentRequest) => void,
  ) {
    // The group-admin purpose: the connection test's bounds plus a few quick retries.
    this.kafka = createKafka(config, 'group-admin', timeoutMs);
    this.admin = this.kafka.admin();
    if (onRequest) {
      this.admin.on(this.admin.events.REQUEST, (event) =>
        onRequest({ apiName: event.payload.apiName, broker: event.payload.broker }),
      );
    }
  }

  async connect(): Promise<void> {
    await this.admin.connect();
  }

  async describe(groupId: string): Promise<GroupSnapshot> {
    const { groups } = await this.admin.describeGroups([groupId]);
    const group = groups[0];
    if (!group) throw new Error(`the coordinator did not describe group ${groupId}`);
    return {
      groupId,
      state: GROUP_STATES.has(group.state) ? group.state : 'Unknown',
      protocolType: group.protocolType,
      protocol: group.protocol,
      members: group.members
        .map((member) => ({
          memberId: member.memberId,
          clientId: member.clientId,
          host: member.clientHost.replace(/^\//, ''),
          assignment: decodeAssignment(member.memberAssignment),
        }))
        .sort(
          (a, b) => a.clientId.localeCompare(b.clientId) || a.memberId.localeCompare(b.memberId),
        ),
    };
  }

  /** Committed offsets of every topic the group committed on (one OffsetFetch for all topics). */
  async committed(groupId: string): Promise<Map<string, Map<number, number>>> {
    const replies = await this.admin.fetchOffsets({ groupId });
    const result = new Map<string, Map<number, number>>();
    for (const { topic, partitions } of replies) {
      const offsets = new Map<number, number>();
      for (const { partition, offset } of partitions) {
        const value = Number(offset);
        // -1: never committed on this partition.
        if (value >= 0) offsets.set(partition, value);
      }
      if (offsets.size > 0) result.set(topic, offsets);
    }
    return result;
  }

  async watermarks(topic: string): Promise<TopicWatermarks[]> {
    const replies = await this.admin.fetchTopicOffsets(topic);
    return replies
      .map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** Per partition: the first offset at or after the timestamp, null when no record is. */
  async offsetsAt(topic: string, timestamp: number): Promise<Map<number, number | null>> {
    const replies = await this.admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
    return new Map(
      replies.map((p) => [p.partition, Number(p.offset) >= 0 ? Number(p.offset) : null]),
    );
  }

  /** Positions of the given partitions of one topic (all of them when partitions is null). */
  async positions(
    topic: string,
    committed: Map<number, number> | undefined,
    partitions: readonly number[] | null,
    timestamp: number | null,
  ): Promise<{ positions: PartitionPosition[]; unknown: number[]; partitionCount: number }> {
    const marks = await this.watermarks(topic);
    const known = new Set(marks.map((m) => m.partition));
    const wanted = partitions === null ? null : new Set(partitions);
    const unknown = partitions === null ? [] : partitions.filter((p) => !known.has(p));
    const at = timestamp === null ? null : await this.offsetsAt(topic, timestamp);
    const positions = marks
      .filter((m) => wanted === null || wanted.has(m.partition))
      .map((m) => ({
        topic,
        partition: m.partition,
        committed: committed?.get(m.partition) ?? null,
        logStart: m.low,
        logEnd: m.high,
        ...(at ? { atTimestamp: at.get(m.partition) ?? null } : {}),
      }));
    return { positions, unknown, partitionCount: marks.length };
  }

  /**
   * Commits offsets from outside the group (generation -1, no member id), as
   * Kafka's own AdminClient alterConsumerGroupOffsets does. kafkajs's
   * setOffsets instead joins the group as a consumer, which would itself
   * trigger a rebalance of the group being repaired.
   */
  async commit(
    groupId: string,
    rows: readonly { topic: string; partition: number; offset: number }[],
  ): Promise<void> {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const row of rows) {
      const list = byTopic.get(row.topic) ?? [];
      list.push({ partition: row.partition, offset: String(row.offset) });
      byTopic.set(row.topic, list);
    }
    const { cluster } = createCluster(this.config, 'group-admin', this.timeoutMs, 60_000);
    try {
      await cluster.connect();
      const coordinator = await cluster.findGroupCoordinator({ groupId });
      let reply;
      try {
        reply = await coordinator.offsetCommit({
          groupId,
          groupGenerationId: -1,
          memberId: '',
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        });
      } catch (error) {
        const type = kafkaErrorType(error);
        if (type !== undefined && MEMBERS_PRESENT.has(type))
          throw new GroupNotEmptyError(groupId, type);
        throw error;
      }
      for (const { topic, partitions } of reply.responses) {
        const failed = partitions.find((p) => p.errorCode !== 0);
        if (failed) {
          throw new Error(
            `the coordinator refused the commit on ${topic}/${failed.partition} (error ${failed.errorCode})`,
          );
        }
      }
    } finally {
      await cluster.disconnect().catch(() => undefined);
    }
  }

  private catalogConnected: Promise<void> | null = null;

  private async catalogClusterHandle() {
    if (!this.catalogCluster) {
      const created = createCluster(this.config, 'group-admin', this.timeoutMs, 60_000);
      const listener = this.onRequest;
      if (listener) {
        created.onRequest((event) => listener({ apiName: event.apiName, broker: event.broker }));
      }
      this.catalogCluster = created;
      this.catalogConnected = created.cluster.connect();
    }
    await this.catalogConnected;
    return this.catalogCluster.cluster;
  }

  async listTopics(): Promise<TopicListing[]> {
    const cluster = await this.catalogClusterHandle();
    // An empty list asks for every topic; the Cluster never asks a broker to create one.
    let reply: FullMetadata;
    try {
      reply = (await cluster.metadata({ topics: [] })) as unknown as FullMetadata;
    } catch (error) {
      throw explainMetadataError(error);
    }
    return reply.topicMetadata
      .filter((t) => t.topicErrorCode === 0)
      .map((t) => ({
        name: t.topic,
        partitions: t.partitionMetadata.length,
        internal: isInternalTopic(t.topic, t.isInternal),
      }));
  }

  /**
   * kafkajs's Cluster.fetchTopicsOffset groups the partitions of all topics
   * by leader and sends one ListOffsets per broker; called once for the log
   * starts and once for the log ends. (admin.fetchTopicOffsets would send two
   * per topic: hundreds of topics, hundreds of requests.)
   */
  async topicRecords(topics: readonly string[]): Promise<Map<string, number | null>> {
    const result = new Map<string, number | null>();
    if (topics.length === 0) return result;
    const cluster = await this.catalogClusterHandle();
    try {
      await cluster.addMultipleTargetTopics([...topics]);
    } catch (error) {
      if (kafkaErrorType(error) !== 'UNKNOWN_TOPIC_OR_PARTITION') throw explainMetadataError(error);
      // Not the operator's topic name: one listed a moment ago is gone.
      throw new Error('a topic was deleted while the topics were being listed; refresh the list');
    }
    const request: { topic: string; partitions: { partition: number }[] }[] = [];
    for (const topic of topics) {
      const partitions = cluster.findTopicPartitionMetadata(topic);
      // A partition without a leader cannot be asked, and a short count would
      // mislead. (Rare: kafkajs's metadata refresh fails outright first.)
      if (partitions.length === 0 || partitions.some((p) => p.leader < 0)) {
        result.set(topic, null);
        continue;
      }
      request.push({ topic, partitions: partitions.map((p) => ({ partition: p.partitionId })) });
    }
    if (request.length === 0) return result;
    // One after the other: a broker sees at most one of these large requests at a time.
    const starts = await cluster.fetchTopicsOffset(
      request.map((r) => ({ ...r, fromBeginning: true })),
    );
    const ends = await cluster.fetchTopicsOffset(
      request.map((r) => ({ ...r, fromBeginning: false })),
    );
    const low = new Map<string, number>();
    for (const { topic, partitions } of starts) {
      for (const { partition, offset } of partitions)
        low.set(`${topic}/${partition}`, Number(offset));
    }
    const sums = new Map<string, number>();
    for (const { topic, partitions } of ends) {
      let sum = sums.get(topic) ?? 0;
      for (const { partition, offset } of partitions) {
        sum += Math.max(0, Number(offset) - (low.get(`${topic}/${partition}`) ?? 0));
      }
      sums.set(topic, sum);
    }
    for (const { topic } of request) result.set(topic, sums.get(topic) ?? 0);
    return result;
  }

  /** kafkajs's listGroups sends ListGroups to every broker and merges the answers. */
  async listGroups(): Promise<GroupListing[]> {
    const { groups } = await this.admin.listGroups();
    const seen = new Map<string, GroupListing>();
    for (const group of groups) {
      seen.set(group.groupId, { groupId: group.groupId, protocolType: group.protocolType });
    }
    return [...seen.values()];
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
    await this.catalogCluster?.cluster.disconnect().catch(() => undefined);
  }
}
