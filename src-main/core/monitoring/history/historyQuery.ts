import type { HistoryMetric, HistoryResult, HistoryWindow } from '@shared/contract';
import type { Db } from '../../store/database';
import { MINUTE_MS } from './retention';
import type { SampleStore } from './sampleStore';

interface WindowSpec {
  durationMs: number;
  bucketMs: number;
  resolution: 'raw' | 'minute';
}

/** About 200-360 points per chart whatever the window; raw samples up to 6 h, roll-ups beyond. */
export const WINDOWS: Record<HistoryWindow, WindowSpec> = {
  '15m': { durationMs: 15 * MINUTE_MS, bucketMs: 5_000, resolution: 'raw' },
  '1h': { durationMs: 60 * MINUTE_MS, bucketMs: 15_000, resolution: 'raw' },
  '6h': { durationMs: 6 * 60 * MINUTE_MS, bucketMs: 60_000, resolution: 'raw' },
  '24h': { durationMs: 24 * 60 * MINUTE_MS, bucketMs: 5 * MINUTE_MS, resolution: 'minute' },
  '7d': { durationMs: 7 * 24 * 60 * MINUTE_MS, bucketMs: 30 * MINUTE_MS, resolution: 'minute' },
};

interface Bucket {
  t: number;
  sum: number;
  count: number;
  max: number;
}

/** Reads bucketed series for charts: average and maximum per bucket. */
export class HistoryQuery {
  private readonly rawBuckets;
  private readonly rollupBuckets;

  // Bound numbers arrive as REAL, so "/" would not truncate: "%" casts to integers.
  constructor(
    db: Db,
    private readonly store: SampleStore,
    /** End of the rolled-up minutes: raw samples after it fill the tail of roll-up charts. */
    private readonly rolledUpUntil: () => number,
    private readonly now: () => number = Date.now,
  ) {
    this.rawBuckets = db.prepare<{ series: number; from: number; bucket: number }, Bucket>(
      `SELECT at - (at % @bucket) AS t, sum(value) AS sum, count(*) AS count, max(value) AS max
         FROM monitoring_samples WHERE series_id = @series AND at >= @from
        GROUP BY t ORDER BY t`,
    );
    this.rollupBuckets = db.prepare<
      { series: number; from: number; to: number; bucket: number },
      Bucket
    >(
      `SELECT minute - (minute % @bucket) AS t, sum(sum) AS sum, sum(count) AS count, max(max) AS max
         FROM monitoring_rollups WHERE series_id = @series AND minute >= @from AND minute < @to
        GROUP BY t ORDER BY t`,
    );
  }

  query(
    environmentId: string,
    window: HistoryWindow,
    series: readonly { metric: HistoryMetric; key: string }[],
  ): HistoryResult {
    const spec = WINDOWS[window];
    const to = this.now();
    const from = Math.floor((to - spec.durationMs) / spec.bucketMs) * spec.bucketMs;
    return {
      window,
      from,
      to,
      bucketMs: spec.bucketMs,
      resolution: spec.resolution,
      series: series.map(({ metric, key }) => {
        const id = this.store.lookup(environmentId, metric, key);
        const buckets = id === null ? [] : this.buckets(id, spec, from);
        return {
          metric,
          key,
          points: buckets.map(
            (b) => [b.t, b.count > 0 ? b.sum / b.count : 0, b.max] as [number, number, number],
          ),
        };
      }),
    };
  }

  private buckets(series: number, spec: WindowSpec, from: number): Bucket[] {
    if (spec.resolution === 'raw') {
      return this.rawBuckets.all({ series, from, bucket: spec.bucketMs });
    }
    const boundary = this.rolledUpUntil();
    const rolled = this.rollupBuckets.all({ series, from, to: boundary, bucket: spec.bucketMs });
    const tail = this.rawBuckets.all({
      series,
      from: Math.max(from, boundary),
      bucket: spec.bucketMs,
    });
    // The bucket on the boundary may hold both roll-ups and raw samples: merge by sums and counts.
    const merged = new Map<number, Bucket>();
    for (const bucket of [...rolled, ...tail]) {
      const existing = merged.get(bucket.t);
      if (!existing) merged.set(bucket.t, { ...bucket });
      else {
        existing.sum += bucket.sum;
        existing.count += bucket.count;
        existing.max = Math.max(existing.max, bucket.max);
      }
    }
    return [...merged.values()].sort((a, b) => a.t - b.t);
  }
}
