import { createRequire } from 'node:module';
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
import type { KafkaBrokerHandle, KafkaClusterHandle, OffsetFetchReply } from './kafkajsCluster';

const require = createRequire(import.meta.url);
const { errorCodes } = require('kafkajs/src/protocol/error') as {
  errorCodes: { type: string; code: number; message: string }[];
};

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

/** Error codes of OffsetFetch that mean "ask someone else" (the coordinator moved). */
export const COORDINATOR_MOVED = new Set([14, 15, 16]); // LOAD_IN_PROGRESS, NOT_AVAILABLE, NOT_COORDINATOR

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
export function protocolErrorCode(error: unknown): number | null {
  if (!(error instanceof Error) || error.name !== 'KafkaJSProtocolError') return null;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

function supports(broker: KafkaBrokerHandle, apiKey: number, version: number): boolean {
  const range = broker.versions?.[apiKey];
  return range !== undefined && range.minVersion <= version && range.maxVersion >= version;
}

/** A group's wire request: null topics ask for every topic it committed on. */
export type WireGroup = OffsetFetchGroupRequest;

/**
 * The committed-offsets path of the monitor's Kafka client: coordinators
 * looked up GROUPS_PER_REQUEST keys per FindCoordinator v4 (KIP-699) and
 * cached, then per coordinator one OffsetFetch v8 for every
 * GROUPS_PER_REQUEST groups (KIP-709). Brokers older than Kafka 3.0 (and
 * librdkafka's mock cluster) get one request per group instead.
 */
export class CoordinatorBatches {
  /** Group id -> node id of its coordinator. */
  readonly coordinators = new Map<string, string>();

  constructor(
    private readonly cluster: KafkaClusterHandle,
    private readonly user: string | null,
    private readonly groupsPerRequest: number,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Fetches the offsets of the groups on the wire into results: coordinators
   * located first (a group whose look-up fails carries that error), then
   * every coordinator in parallel.
   */
  async fetch(wire: Map<string, WireGroup>, results: Map<string, GroupOffsets>): Promise<void> {
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
}
