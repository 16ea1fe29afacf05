import type { GapRow, QueueRow, StreamRow } from '@shared/contract';
import type { SeriesPoint } from './history/sampleStore';
import type { LagState } from './kafka/lagTracker';
import type { GapSample } from './postgres/syncGapProbe';
import { QueueRateTracker } from './redis/rates';
import type { RedisSample } from './redis/redisQueueProbe';

/** Key of a dead-letter list's rate window, apart from queues that may share a name. */
const dlqWindowKey = (key: string): string => `dead-letter\u0000${key}`;

/** Redis readings -> queue and stream rows with rates, plus the points to store. */
export class RedisReadings {
  private readonly rates: QueueRateTracker;

  constructor(windowSize: number) {
    this.rates = new QueueRateTracker(windowSize);
  }

  apply(
    sample: RedisSample,
    at: number,
  ): { queues: QueueRow[]; streams: StreamRow[]; points: SeriesPoint[] } {
    const queues: QueueRow[] = [];
    const points: SeriesPoint[] = [];
    for (const reading of sample.queues) {
      if (reading.depth === null) {
        this.rates.forget(reading.key);
        queues.push({
          key: reading.key,
          role: 'queue',
          queueKey: null,
          depth: null,
          inRate: null,
          outRate: null,
          rateBasis: null,
          trend: null,
          error: reading.error,
        });
      } else {
        const rates = this.rates.observe(reading.key, {
          at,
          depth: reading.depth,
          inCounter: reading.inCounter,
          outCounter: reading.outCounter,
        });
        queues.push({
          key: reading.key,
          role: 'queue',
          queueKey: null,
          depth: reading.depth,
          inRate: rates.inRate,
          outRate: rates.outRate,
          rateBasis: rates.basis,
          trend: rates.trend,
          error: reading.error,
        });
        points.push({ metric: 'queue.depth', key: reading.key, value: reading.depth });
        if (rates.inRate !== null)
          points.push({ metric: 'queue.inRate', key: reading.key, value: rates.inRate });
        if (rates.outRate !== null) {
          points.push({ metric: 'queue.outRate', key: reading.key, value: rates.outRate });
        }
      }
      if (reading.deadLetterKey !== null) {
        const depth = reading.deadLetterDepth;
        const rates =
          depth === null
            ? null
            : this.rates.observe(dlqWindowKey(reading.deadLetterKey), {
                at,
                depth,
                inCounter: null,
                outCounter: null,
              });
        queues.push({
          key: reading.deadLetterKey,
          role: 'dead-letter',
          queueKey: reading.key,
          depth,
          inRate: rates?.inRate ?? null,
          outRate: rates?.outRate ?? null,
          rateBasis: rates?.basis ?? null,
          trend: rates?.trend ?? null,
          error: depth === null ? reading.error : null,
        });
        if (depth !== null)
          points.push({ metric: 'dlq.depth', key: reading.deadLetterKey, value: depth });
      }
    }
    const streams: StreamRow[] = sample.streams.map((stream) => {
      if (stream.length !== null) {
        points.push({ metric: 'stream.length', key: stream.key, value: stream.length });
      }
      for (const group of stream.groups) {
        points.push({
          metric: 'stream.pending',
          key: `${stream.key}/${group.group}`,
          value: group.pending,
        });
      }
      return { key: stream.key, length: stream.length, groups: stream.groups, error: stream.error };
    });
    return { queues, streams, points };
  }
}

/** Kafka lag -> points: total lag and time lag per group and topic. */
export function lagPoints(state: LagState): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const group of state.groups) {
    for (const topic of group.topics) {
      const key = `${group.groupId}/${topic.topic}`;
      points.push({ metric: 'kafka.lag', key, value: topic.totalLag });
      if (topic.timeLagSeconds !== null) {
        points.push({ metric: 'kafka.timeLag', key, value: topic.timeLagSeconds });
      }
    }
  }
  return points;
}

/** Gap readings -> rows with growth over the window, plus points. */
export class GapReadings {
  private readonly windows = new Map<string, { at: number; count: number }[]>();

  constructor(private readonly windowSize: number) {}

  apply(sample: GapSample, at: number): { gaps: GapRow[]; points: SeriesPoint[] } {
    const points: SeriesPoint[] = [];
    const gaps = sample.tables.map((reading): GapRow => {
      let growth: number | null = null;
      if (reading.count !== null) {
        let window = this.windows.get(reading.table);
        if (!window) {
          window = [];
          this.windows.set(reading.table, window);
        }
        window.push({ at, count: reading.count });
        const cap = Math.max(2, this.windowSize);
        if (window.length > cap) window.splice(0, window.length - cap);
        const first = window[0]!;
        const seconds = (at - first.at) / 1000;
        growth = seconds > 0 ? (reading.count - first.count) / seconds : null;
        points.push({ metric: 'gap.count', key: reading.table, value: reading.count });
        points.push({
          metric: 'gap.oldestAge',
          key: reading.table,
          value: reading.oldestAgeSeconds ?? 0,
        });
      } else {
        this.windows.delete(reading.table);
      }
      return {
        table: reading.table,
        count: reading.count,
        oldestAgeSeconds: reading.oldestAgeSeconds,
        growthPerSecond: growth,
        queryMs: reading.queryMs,
        plan: reading.plan,
        error: reading.error,
      };
    });
    return { gaps, points };
  }
}
