import type { OffsetResetRow, OffsetResetTarget } from '@shared/contract';

/** What the cluster says about one partition before a reset. */
export interface PartitionPosition {
  topic: string;
  partition: number;
  committed: number | null;
  logStart: number;
  logEnd: number;
  /** For a timestamp target: the first offset at or after it, or null when none is. */
  atTimestamp?: number | null;
}

export interface ResetPlan {
  rows: OffsetResetRow[];
  /** Partitions the target cannot be applied to, in words (empty: all can). */
  problems: string[];
}

/**
 * The offset a target means for one partition, before clamping. A timestamp
 * after the last record means the log end, as Kafka's own reset tool does.
 */
function wanted(target: OffsetResetTarget, position: PartitionPosition): number | string {
  switch (target.kind) {
    case 'earliest':
      return position.logStart;
    case 'latest':
      return position.logEnd;
    case 'timestamp':
      return position.atTimestamp ?? position.logEnd;
    case 'offset':
      return target.offset;
    case 'shift':
      if (position.committed === null) {
        return (
          `${position.topic}/${position.partition} has no committed offset to shift from: ` +
          'choose earliest, latest, a timestamp or an offset'
        );
      }
      return position.committed + target.by;
  }
}

/**
 * Per partition: the current offset, the one a reset would commit and the
 * lag that leaves. An offset outside what the broker still holds is moved
 * to the nearest end (committing it would make consumers fall back on their
 * auto.offset.reset policy, which is rarely what the operator meant).
 */
export function planReset(
  target: OffsetResetTarget,
  positions: readonly PartitionPosition[],
): ResetPlan {
  const rows: OffsetResetRow[] = [];
  const problems: string[] = [];
  for (const position of positions) {
    const raw = wanted(target, position);
    if (typeof raw === 'string') {
      problems.push(raw);
      continue;
    }
    const next = Math.min(Math.max(raw, position.logStart), position.logEnd);
    rows.push({
      topic: position.topic,
      partition: position.partition,
      current: position.committed,
      next,
      logStart: position.logStart,
      logEnd: position.logEnd,
      lagBefore: position.committed === null ? null : position.logEnd - position.committed,
      lagAfter: position.logEnd - next,
      clamped: next !== raw,
    });
  }
  rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { rows, problems };
}
