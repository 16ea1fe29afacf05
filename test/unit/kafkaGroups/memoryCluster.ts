import type { GroupMember } from '@shared/contract';
import type {
  GroupAdminFactory,
  GroupAdminPort,
  TopicWatermarks,
} from '../../../src-main/core/kafkaGroups/groupAdmin';
import { GroupNotEmptyError } from '../../../src-main/core/kafkaGroups/groupAdmin';

interface MemoryGroup {
  members: GroupMember[];
  committed: Map<string, Map<number, number>>;
}

/**
 * Groups and topics held in memory, behind the same port the real admin
 * implements: it lets unit tests drive the group service and the dispatcher
 * without a broker. The integration tests run the same service on Apache Kafka.
 */
export class MemoryCluster {
  readonly groups = new Map<string, MemoryGroup>();
  readonly topics = new Map<string, TopicWatermarks[]>();
  /** Records at these timestamps: topic -> partition -> [timestamp, offset][] */
  readonly timestamps = new Map<string, Map<number, [number, number][]>>();
  commits = 0;
  /** Kafka's own topics (listed as internal). */
  readonly internal = new Set<string>();
  /** Topics with a partition that has no leader (their size cannot be read). */
  readonly leaderless = new Set<string>();
  /** Groups ListGroups reports besides those with commits: id -> protocol type. */
  readonly listed = new Map<string, string>();
  /** What the catalog calls fail with, when set (an outage, an ACL). */
  catalogFailure: Error | null = null;
  /** listTopics never answers (a broker that accepts connections and then says nothing). */
  catalogStalls = false;
  /** listTopics calls so far. */
  topicListings = 0;
  /** The topics of each topicRecords call, to check that sizes are batched. */
  readonly sizeCalls: string[][] = [];

  topic(name: string, partitions: { low: number; high: number }[]): this {
    this.topics.set(
      name,
      partitions.map((p, partition) => ({ partition, ...p })),
    );
    return this;
  }

  group(groupId: string, committed: Record<string, number[]>, members: GroupMember[] = []): this {
    this.groups.set(groupId, {
      members,
      committed: new Map(
        Object.entries(committed).map(([topic, offsets]) => [
          topic,
          new Map(offsets.map((offset, partition) => [partition, offset])),
        ]),
      ),
    });
    return this;
  }

  /** A group the coordinator knows but that has committed nothing (yet). */
  listedGroup(groupId: string, protocolType = 'consumer'): this {
    this.listed.set(groupId, protocolType);
    return this;
  }

  readonly factory: GroupAdminFactory = () => this.admin();

  private admin(): GroupAdminPort {
    const watermarks = async (topic: string) => {
      const found = this.topics.get(topic);
      if (!found)
        throw Object.assign(new Error('unknown topic'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
      return found;
    };
    return {
      connect: async () => undefined,
      close: async () => undefined,
      describe: async (groupId) => {
        const group = this.groups.get(groupId);
        const members = group?.members ?? [];
        return {
          groupId,
          state: !group ? 'Dead' : members.length > 0 ? 'Stable' : 'Empty',
          protocolType: 'consumer',
          protocol: members.length > 0 ? 'range' : '',
          members,
        };
      },
      committed: async (groupId) => {
        const group = this.groups.get(groupId);
        return new Map(
          [...(group?.committed ?? new Map<string, Map<number, number>>())].map(([t, o]) => [
            t,
            new Map(o),
          ]),
        );
      },
      watermarks,
      positions: async (topic, committed, partitions, timestamp) => {
        const marks = await watermarks(topic);
        const known = new Set(marks.map((m) => m.partition));
        const unknown = partitions === null ? [] : partitions.filter((p) => !known.has(p));
        const positions = marks
          .filter((m) => partitions === null || partitions.includes(m.partition))
          .map((m) => {
            const at =
              timestamp === null
                ? undefined
                : (this.timestamps
                    .get(topic)
                    ?.get(m.partition)
                    ?.find(([ts]) => ts >= timestamp)?.[1] ?? null);
            return {
              topic,
              partition: m.partition,
              committed: committed?.get(m.partition) ?? null,
              logStart: m.low,
              logEnd: m.high,
              ...(at !== undefined ? { atTimestamp: at } : {}),
            };
          });
        return { positions, unknown, partitionCount: marks.length };
      },
      listTopics: async () => {
        this.topicListings += 1;
        if (this.catalogStalls) return new Promise<never>(() => undefined);
        if (this.catalogFailure) throw this.catalogFailure;
        return [...this.topics].map(([name, partitions]) => ({
          name,
          partitions: partitions.length,
          internal: this.internal.has(name),
        }));
      },
      topicRecords: async (topics) => {
        if (this.catalogFailure) throw this.catalogFailure;
        this.sizeCalls.push([...topics]);
        return new Map(
          topics.map((topic) => {
            const marks = this.topics.get(topic) ?? [];
            const sum = marks.reduce((total, m) => total + (m.high - m.low), 0);
            return [topic, this.leaderless.has(topic) ? null : sum];
          }),
        );
      },
      listGroups: async () => {
        if (this.catalogFailure) throw this.catalogFailure;
        const ids = new Map(this.listed);
        for (const groupId of this.groups.keys())
          if (!ids.has(groupId)) ids.set(groupId, 'consumer');
        return [...ids].map(([groupId, protocolType]) => ({ groupId, protocolType }));
      },
      commit: async (groupId, rows) => {
        const group = this.groups.get(groupId) ?? { members: [], committed: new Map() };
        if (group.members.length > 0) throw new GroupNotEmptyError(groupId, 'UNKNOWN_MEMBER_ID');
        for (const row of rows) {
          const offsets = group.committed.get(row.topic) ?? new Map<number, number>();
          offsets.set(row.partition, row.offset);
          group.committed.set(row.topic, offsets);
        }
        this.groups.set(groupId, group);
        this.commits += 1;
      },
    };
  }
}
