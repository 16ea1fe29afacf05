import { AssignerProtocol, Kafka, type KafkaConfig } from 'kafkajs';
import type { GroupMember, GroupState } from '../../../src-preload/contract';
import { kafkaClientConfig } from '../connectors/kafka';
import type { KafkaConnectionConfig } from '../connectors/types';
import { createKafkaCluster } from '../monitoring/kafka/kafkajsCluster';
import type { PartitionPosition } from './resetPlan';

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
  close(): Promise<void>;
}

export type GroupAdminFactory = (
  config: KafkaConnectionConfig,
  timeoutMs: number,
) => GroupAdminPort;

/** A broker refused an offset commit because the group has members (or is rebalancing). */
export class GroupNotEmptyError extends Error {
  constructor(
    readonly groupId: string,
    readonly code: string,
  ) {
    super(`the coordinator refused the commit for group ${groupId}: ${code}`);
    this.name = 'GroupNotEmptyError';
  }
}

/** Kafka's answers to a commit from outside a group that still has members. */
const MEMBERS_PRESENT = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
]);

/**
 * The connection test's settings plus a few quick retries: kafkajs learns the
 * brokers and leaders from metadata on the first call, and a coordinator that
 * is loading or moved answers "try again" (each try stays within timeoutMs).
 */
function adminConfig(config: KafkaConnectionConfig, timeoutMs: number): KafkaConfig {
  return {
    ...kafkaClientConfig(config, timeoutMs),
    retry: { retries: 4, initialRetryTime: 200, maxRetryTime: 2000 },
  };
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

  constructor(
    private readonly config: KafkaConnectionConfig,
    private readonly timeoutMs: number,
  ) {
    this.kafka = new Kafka(adminConfig(config, timeoutMs));
    this.admin = this.kafka.admin();
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
    const { cluster } = createKafkaCluster(adminConfig(this.config, this.timeoutMs), 60_000);
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
        const type = (error as { type?: unknown }).type;
        if (typeof type === 'string' && MEMBERS_PRESENT.has(type))
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

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }
}
