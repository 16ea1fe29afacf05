import type { Admin } from 'kafkajs';
import { withTimeout } from '../common/time';

export interface PartitionLag {
  partition: number;
  high: number;
  low: number;
  /** -1 when the group has not committed on this partition. */
  committed: number;
  lag: number;
}

export interface GroupLag {
  total: number;
  partitions: PartitionLag[];
}

/**
 * Lag of a consumer group on one topic: log end offset minus committed
 * offset, per partition. A partition with no commit counts from the log start
 * (the group reads from the beginning).
 */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<GroupLag> {
  const [ends, committed] = await withTimeout(
    Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]),
    10_000,
    `lag of ${groupId} on ${topic}`,
  );
  const committedByPartition = new Map<number, number>();
  for (const entry of committed.find((t) => t.topic === topic)?.partitions ?? []) {
    committedByPartition.set(entry.partition, Number(entry.offset));
  }
  const partitions = ends
    .map((end) => {
      const high = Number(end.high);
      const low = Number(end.low);
      const offset = committedByPartition.get(end.partition) ?? -1;
      const lag = Math.max(0, high - (offset >= 0 ? offset : low));
      return { partition: end.partition, high, low, committed: offset, lag };
    })
    .sort((a, b) => a.partition - b.partition);
  return { total: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
}
