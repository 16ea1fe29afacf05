import type { GroupMember } from '../../../src-preload/contract';
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
