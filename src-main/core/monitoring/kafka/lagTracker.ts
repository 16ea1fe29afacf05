import type { LagGroupRow, LagTopicRow, PartitionRow } from '@shared/contract';
import {
  evaluatePartition,
  worstStatus,
  type BrokerOffsetSample,
  type OffsetSample,
  type PartitionStatus,
} from '../lag/burrow';
import { estimateDrain, estimateTimeLag, type TimeLagEstimate } from '../lag/estimates';

export type GroupOrigin = 'broker' | 'configuration';

export interface GroupReading {
  groupId: string;
  origin: GroupOrigin;
  topics: string[];
  /** topic -> partition -> committed offset; partitions never committed are absent. */
  committed: Map<string, Map<number, number>>;
  error: string | null;
}

export interface KafkaSample {
  brokers: number;
  groupsSource: GroupOrigin;
  groupsSourceNote: string | null;
  missingTopics: string[];
  /** topic -> partition -> log-end offset. */
  logEnd: Map<string, Map<number, number>>;
  groups: GroupReading[];
}

export interface LagState {
  at: number;
  groups: LagGroupRow[];
  partitions: PartitionRow[];
}

interface PartitionTrack {
  window: OffsetSample[];
  offset: number;
  /** First time the current committed offset was seen: the commit time as far as polling knows. */
  since: number;
}

/** How many log-end points each partition keeps for time-lag interpolation. */
const LOG_END_HISTORY_POINTS = 240;

/**
 * Log-end history with plateaus stored as their two ends: a partition that
 * does not move costs two points however long it stays idle, and the moment
 * it last had a given offset is still exact.
 */
function recordLogEnd(history: BrokerOffsetSample[], sample: BrokerOffsetSample): void {
  const last = history[history.length - 1];
  const beforeLast = history[history.length - 2];
  if (last && sample.logEndOffset < last.logEndOffset) {
    // Truncated or recreated: the old history no longer describes this log.
    history.length = 0;
  } else if (
    last &&
    beforeLast &&
    last.logEndOffset === sample.logEndOffset &&
    beforeLast.logEndOffset === sample.logEndOffset
  ) {
    last.observedAt = sample.observedAt;
    return;
  }
  history.push(sample);
  if (history.length > LOG_END_HISTORY_POINTS)
    history.splice(0, history.length - LOG_END_HISTORY_POINTS);
}

function partitionKey(groupId: string, topic: string, partition: number): string {
  return `${groupId}\u0000${topic}\u0000${partition}`;
}

function maxOrNull(values: (number | null)[]): number | null {
  let result: number | null = null;
  for (const value of values)
    if (value !== null && (result === null || value > result)) result = value;
  return result;
}

/**
 * Turns successive Kafka samples into Burrow status, time lag and time to
 * drain per partition, topic and group. Keeps a window of the last N
 * committed-offset observations per group partition and a compact log-end
 * history per partition.
 */
export class LagTracker {
  private readonly tracks = new Map<string, PartitionTrack>();
  private readonly logEndHistory = new Map<string, BrokerOffsetSample[]>();
  /** Each group's rows from the last sample that read its offsets. */
  private readonly lastRead = new Map<string, { group: LagGroupRow; partitions: PartitionRow[] }>();

  constructor(
    private windowSize: number,
    private allowedLag: number,
  ) {}

  configure(windowSize: number, allowedLag: number): void {
    this.windowSize = windowSize;
    this.allowedLag = allowedLag;
  }

  update(sample: KafkaSample, now: number): LagState {
    const seenLogEnd = new Set<string>();
    for (const [topic, partitions] of sample.logEnd) {
      for (const [partition, logEndOffset] of partitions) {
        const key = `${topic}\u0000${partition}`;
        seenLogEnd.add(key);
        let history = this.logEndHistory.get(key);
        if (!history) {
          history = [];
          this.logEndHistory.set(key, history);
        }
        recordLogEnd(history, { observedAt: now, logEndOffset });
      }
    }
    for (const key of this.logEndHistory.keys())
      if (!seenLogEnd.has(key)) this.logEndHistory.delete(key);

    const seenTracks = new Set<string>();
    const groups: LagGroupRow[] = [];
    const partitions: PartitionRow[] = [];
    const seenGroups = new Set<string>();
    for (const group of sample.groups) {
      seenGroups.add(group.groupId);
      const previous = this.lastRead.get(group.groupId);
      if (group.error !== null && previous) {
        // Its offsets could not be read (its coordinator is down or moving, the
        // login lost its permission...): that is not "nothing committed, no lag".
        // Its last readings stay, with the reason beside them, and its windows
        // are kept for when it is read again.
        groups.push({ ...previous.group, error: group.error });
        partitions.push(...previous.partitions);
        for (const row of previous.partitions) {
          if (row.committedOffset !== null)
            seenTracks.add(partitionKey(group.groupId, row.topic, row.partition));
        }
        continue;
      }
      const firstRow = partitions.length;
      const topics: LagTopicRow[] = [];
      for (const topic of group.topics) {
        const logEnds = sample.logEnd.get(topic);
        if (!logEnds) continue;
        const committed = group.committed.get(topic) ?? new Map<number, number>();
        const rows: PartitionRow[] = [];
        let consumeRate = 0;
        let produceRate = 0;
        let uncommitted = 0;
        let drainUnknown = false;
        let timeLag: TimeLagEstimate | null = null;
        const drains: (number | null)[] = [];
        for (const [partition, logEndOffset] of [...logEnds].sort((a, b) => a[0] - b[0])) {
          const offset = committed.get(partition);
          const history = this.logEndHistory.get(`${topic}\u0000${partition}`) ?? [];
          if (offset === undefined) {
            uncommitted += 1;
            rows.push({
              groupId: group.groupId,
              topic,
              partition,
              committedOffset: null,
              logEndOffset,
              lag: null,
              status: 'OK',
              rule: 'no-commit',
              timeLagSeconds: null,
              secondsToDrain: null,
            });
            continue;
          }
          const key = partitionKey(group.groupId, topic, partition);
          seenTracks.add(key);
          const lag = Math.max(0, logEndOffset - offset);
          const track = this.observe(key, offset, lag, now);
          const evaluation = evaluatePartition({
            window: track.window,
            brokerOffsets: history.filter((h) => h.observedAt >= track.window[0]!.observedAt),
            currentLag: lag,
            now,
            allowedLag: this.allowedLag,
          });
          const estimate = estimateTimeLag(offset, history, now);
          const drain = estimateDrain(track.window, history, lag);
          consumeRate += drain.consumeRate;
          produceRate += drain.produceRate;
          if (lag > 0 && drain.secondsToDrain === null) drainUnknown = true;
          drains.push(drain.secondsToDrain);
          if (estimate && (timeLag === null || estimate.seconds > timeLag.seconds))
            timeLag = estimate;
          rows.push({
            groupId: group.groupId,
            topic,
            partition,
            committedOffset: offset,
            logEndOffset,
            lag,
            status: evaluation.status,
            rule: evaluation.rule,
            timeLagSeconds: estimate ? estimate.seconds : null,
            secondsToDrain: drain.secondsToDrain,
          });
        }
        const evaluated = rows.filter((row) => row.lag !== null);
        // A group found on the broker that never committed on this topic does not consume it.
        if (group.origin === 'broker' && evaluated.length === 0) continue;
        let maxLag: { partition: number; lag: number } | null = null;
        let totalLag = 0;
        for (const row of evaluated) {
          totalLag += row.lag!;
          if (maxLag === null || row.lag! > maxLag.lag)
            maxLag = { partition: row.partition, lag: row.lag! };
        }
        topics.push({
          topic,
          partitions: rows.length,
          uncommittedPartitions: uncommitted,
          totalLag,
          maxLagPartition: maxLag,
          status: worstStatus(evaluated.map((row) => row.status)),
          timeLagSeconds: timeLag ? timeLag.seconds : null,
          timeLagBasis: timeLag ? timeLag.basis : null,
          consumeRate,
          produceRate,
          // Drained when the slowest partition is: unknown if any lagging one is not draining.
          secondsToDrain: totalLag === 0 ? 0 : drainUnknown ? null : maxOrNull(drains),
        });
        partitions.push(...rows);
      }
      const status: PartitionStatus = worstStatus(topics.map((t) => t.status));
      const row: LagGroupRow = {
        groupId: group.groupId,
        origin: group.origin,
        status,
        totalLag: topics.reduce((sum, t) => sum + t.totalLag, 0),
        timeLagSeconds: maxOrNull(topics.map((t) => t.timeLagSeconds)),
        secondsToDrain: topics.some((t) => t.totalLag > 0 && t.secondsToDrain === null)
          ? null
          : (maxOrNull(topics.map((t) => t.secondsToDrain)) ?? 0),
        topics,
        error: group.error,
      };
      groups.push(row);
      if (group.error === null) {
        this.lastRead.set(group.groupId, { group: row, partitions: partitions.slice(firstRow) });
      }
    }
    for (const key of this.tracks.keys()) if (!seenTracks.has(key)) this.tracks.delete(key);
    for (const groupId of this.lastRead.keys())
      if (!seenGroups.has(groupId)) this.lastRead.delete(groupId);
    return { at: now, groups, partitions };
  }

  private observe(key: string, offset: number, lag: number, now: number): PartitionTrack {
    let track = this.tracks.get(key);
    if (!track) {
      track = { window: [], offset, since: now };
      this.tracks.set(key, track);
    }
    if (offset !== track.offset) {
      track.offset = offset;
      track.since = now;
    }
    track.window.push({ observedAt: now, committedAt: track.since, committedOffset: offset, lag });
    const size = Math.max(2, this.windowSize);
    if (track.window.length > size) track.window.splice(0, track.window.length - size);
    return track;
  }
}
