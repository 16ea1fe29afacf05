import type { HistoryMetric } from '@shared/contract';
import type { Db } from '../../store/database';

export interface SeriesPoint {
  metric: HistoryMetric;
  key: string;
  value: number;
}

/**
 * Writes raw samples. Series ids are cached, so the hot path is one short
 * transaction of INSERTs per poll; roll-ups and pruning happen elsewhere
 * (HistoryRetention), in small batches.
 */
export class SampleStore {
  private readonly seriesIds = new Map<string, number>();
  private readonly findSeries;
  private readonly createSeries;
  private readonly insertSample;
  private readonly writeBatch;

  constructor(private readonly db: Db) {
    this.findSeries = db.prepare<[string, string, string], { id: number }>(
      'SELECT id FROM monitoring_series WHERE environment_id = ? AND metric = ? AND key = ?',
    );
    this.createSeries = db.prepare<[string, string, string]>(
      'INSERT INTO monitoring_series (environment_id, metric, key) VALUES (?, ?, ?)',
    );
    this.insertSample = db.prepare<[number, number, number]>(
      'INSERT INTO monitoring_samples (series_id, at, value) VALUES (?, ?, ?)',
    );
    this.writeBatch = db.transaction((environmentId: string, at: number, points: SeriesPoint[]) => {
      for (const point of points) {
        if (!Number.isFinite(point.value)) continue;
        this.insertSample.run(
          this.seriesId(environmentId, point.metric, point.key),
          at,
          point.value,
        );
      }
    });
  }

  private seriesId(environmentId: string, metric: HistoryMetric, key: string): number {
    const cacheKey = `${environmentId}\u0000${metric}\u0000${key}`;
    const cached = this.seriesIds.get(cacheKey);
    if (cached !== undefined) return cached;
    const found = this.findSeries.get(environmentId, metric, key);
    const id = found
      ? found.id
      : Number(this.createSeries.run(environmentId, metric, key).lastInsertRowid);
    this.seriesIds.set(cacheKey, id);
    return id;
  }

  /** The id of an existing series, or null (for queries: never creates one). */
  lookup(environmentId: string, metric: HistoryMetric, key: string): number | null {
    const cached = this.seriesIds.get(`${environmentId}\u0000${metric}\u0000${key}`);
    if (cached !== undefined) return cached;
    return this.findSeries.get(environmentId, metric, key)?.id ?? null;
  }

  write(environmentId: string, at: number, points: SeriesPoint[]): void {
    if (points.length === 0) return;
    this.writeBatch(environmentId, at, points);
  }

  /** Forget cached ids of an environment (its series rows went with it). */
  forgetEnvironment(environmentId: string): void {
    const prefix = `${environmentId}\u0000`;
    for (const key of this.seriesIds.keys()) if (key.startsWith(prefix)) this.seriesIds.delete(key);
  }
}
