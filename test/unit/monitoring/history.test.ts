import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { HistoryQuery } from '../../../src-main/core/monitoring/history/historyQuery';
import { HistoryRetention, MINUTE_MS } from '../../../src-main/core/monitoring/history/retention';
import { SampleStore } from '../../../src-main/core/monitoring/history/sampleStore';
import { openStore, type Db } from '../../../src-main/core/store/database';
import { migrations } from '../../../src-main/core/store/migrations';
import { makeTempDir } from '../../support/tempDir';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** A store with one environment row (series reference it). */
function setUp(): { db: Db; environmentId: string } {
  const temp = makeTempDir('sluice-history-');
  const db = openStore({ file: join(temp.dir, 'sluice.db'), migrations });
  cleanups.push(() => {
    db.close();
    temp.cleanup();
  });
  const environmentId = randomUUID();
  db.prepare(
    `INSERT INTO environments (id, name, colour, created_at, updated_at) VALUES (?, 'test', '#123456', '', '')`,
  ).run(environmentId);
  return { db, environmentId };
}

const HOUR = 60 * MINUTE_MS;
// A minute boundary, so bucket arithmetic is easy to read.
const T0 = Math.floor(1_700_000_000_000 / HOUR) * HOUR;

function count(db: Db, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('monitoring history', () => {
  it('rolls completed minutes up into count/sum/min/max and leaves the current minute raw', async () => {
    const { db, environmentId } = setUp();
    const store = new SampleStore(db);
    // Three minutes of samples every 10 s: value = seconds since T0.
    for (let s = 0; s < 180; s += 10) {
      store.write(environmentId, T0 + s * 1000, [{ metric: 'queue.depth', key: 'q', value: s }]);
    }
    let now = T0 + 3 * MINUTE_MS + 30_000;
    const retention = new HistoryRetention(db, { now: () => now });
    const run = await retention.runOnce();
    // Minutes 0 and 1 are over (with a minute of grace); minute 2 is not yet.
    expect(run.minutesRolledUp).toBe(2);
    const rows = db
      .prepare('SELECT minute, count, sum, min, max FROM monitoring_rollups ORDER BY minute')
      .all();
    expect(rows).toEqual([
      { minute: T0, count: 6, sum: 0 + 10 + 20 + 30 + 40 + 50, min: 0, max: 50 },
      { minute: T0 + MINUTE_MS, count: 6, sum: 60 + 70 + 80 + 90 + 100 + 110, min: 60, max: 110 },
    ]);
    expect(retention.rolledUpUntil()).toBe(T0 + 2 * MINUTE_MS);

    now += MINUTE_MS;
    expect((await retention.runOnce()).minutesRolledUp).toBe(1);
    // Nothing older than 6 h: every raw sample is kept.
    expect(count(db, 'monitoring_samples')).toBe(18);
  });

  it('skips empty stretches instead of walking them minute by minute', async () => {
    const { db, environmentId } = setUp();
    const store = new SampleStore(db);
    store.write(environmentId, T0, [{ metric: 'gap.count', key: 't', value: 1 }]);
    store.write(environmentId, T0 + 10 * HOUR, [{ metric: 'gap.count', key: 't', value: 2 }]);
    const now = T0 + 10 * HOUR + 5 * MINUTE_MS;
    const retention = new HistoryRetention(db, { now: () => now, maxMinutesPerRun: 5 });
    expect((await retention.runOnce()).minutesRolledUp).toBe(2);
    expect(count(db, 'monitoring_rollups')).toBe(2);
  });

  it('prunes raw samples past 6 h and roll-ups past 7 d in small batches, never before rolling up', async () => {
    const { db, environmentId } = setUp();
    const store = new SampleStore(db);
    const points = (value: number) => [{ metric: 'queue.depth' as const, key: 'q', value }];
    // 8 h of samples every 10 s = 2880 samples.
    for (let s = 0; s < 8 * 3600; s += 10) store.write(environmentId, T0 + s * 1000, points(s));
    // An old roll-up, 8 days back.
    db.prepare(
      'INSERT INTO monitoring_rollups (series_id, minute, count, sum, min, max) VALUES (1, ?, 1, 1, 1, 1)',
    ).run(T0 - 8 * 24 * HOUR);
    const now = T0 + 8 * HOUR;

    // Without roll-ups, nothing raw may go even though it is old.
    const cautious = new HistoryRetention(db, { now: () => now, maxMinutesPerRun: 0 });
    expect(await cautious.pruneRaw()).toBe(0);

    const retention = new HistoryRetention(db, {
      now: () => now,
      batchSize: 100,
      maxBatchesPerRun: 1000,
      maxMinutesPerRun: 10_000,
    });
    const run = await retention.runOnce();
    // Everything older than now - 6 h = the first 2 hours = 720 samples.
    expect(run.rawDeleted).toBe(720);
    expect(run.rollupsDeleted).toBe(1);
    const oldest = db.prepare('SELECT min(at) AS at FROM monitoring_samples').get() as {
      at: number;
    };
    expect(oldest.at).toBeGreaterThanOrEqual(now - 6 * HOUR);
    // The pruned stretch survives as roll-ups.
    const rolled = db
      .prepare('SELECT count(*) AS n FROM monitoring_rollups WHERE minute < ?')
      .get(now - 6 * HOUR) as { n: number };
    expect(rolled.n).toBe(120);
  });

  it('a run stops after maxBatchesPerRun batches and the next run continues', async () => {
    const { db, environmentId } = setUp();
    const store = new SampleStore(db);
    for (let i = 0; i < 1000; i += 1) {
      store.write(environmentId, T0 + i, [{ metric: 'queue.depth', key: 'q', value: i }]);
    }
    const now = T0 + 7 * HOUR;
    const retention = new HistoryRetention(db, {
      now: () => now,
      batchSize: 100,
      maxBatchesPerRun: 3,
    });
    await retention.rollUp();
    expect(await retention.pruneRaw()).toBe(300);
    expect(await retention.pruneRaw()).toBe(300);
    expect(count(db, 'monitoring_samples')).toBe(400);
  });

  it('queries bucketed averages and maxima: raw up to 6 h, roll-ups plus the raw tail beyond', async () => {
    const { db, environmentId } = setUp();
    const store = new SampleStore(db);
    for (let s = 0; s < 3600; s += 5) {
      store.write(environmentId, T0 + s * 1000, [
        { metric: 'kafka.lag', key: 'g/t', value: s % 60 === 0 ? 100 : 10 },
      ]);
    }
    const now = T0 + 3600 * 1000;
    const retention = new HistoryRetention(db, { now: () => now, maxMinutesPerRun: 1000 });
    await retention.runOnce();
    const query = new HistoryQuery(
      db,
      store,
      () => retention.rolledUpUntil(),
      () => now,
    );

    const fifteen = query.query(environmentId, '15m', [{ metric: 'kafka.lag', key: 'g/t' }]);
    expect(fifteen.resolution).toBe('raw');
    expect(fifteen.bucketMs).toBe(5000);
    expect(fifteen.series[0]!.points).toHaveLength(180);

    const hour = query.query(environmentId, '1h', [{ metric: 'kafka.lag', key: 'g/t' }]);
    // 15 s buckets of three samples: one bucket per minute holds the spike.
    const first = hour.series[0]!.points[0]!;
    expect(first).toEqual([T0, 40, 100]);

    const day = query.query(environmentId, '24h', [
      { metric: 'kafka.lag', key: 'g/t' },
      { metric: 'kafka.lag', key: 'never-seen' },
    ]);
    expect(day.resolution).toBe('minute');
    const points = day.series[0]!.points;
    // 60 minutes in 5 min buckets: 12 buckets, the newest mixing roll-ups and raw tail.
    expect(points).toHaveLength(12);
    const total = points.reduce((n, p) => n + p[1], 0) / points.length;
    expect(total).toBeCloseTo((100 + 11 * 10) / 12, 5);
    expect(points.every((p) => p[2] === 100)).toBe(true);
    expect(day.series[1]!.points).toEqual([]);
  });

  it('series of a removed environment go with it; their samples age out', () => {
    const { db, environmentId } = setUp();
    const store = new SampleStore(db);
    store.write(environmentId, T0, [{ metric: 'gap.count', key: 't', value: 1 }]);
    db.prepare('DELETE FROM environments WHERE id = ?').run(environmentId);
    store.forgetEnvironment(environmentId);
    expect(count(db, 'monitoring_series')).toBe(0);
    expect(count(db, 'monitoring_samples')).toBe(1);
  });
});
