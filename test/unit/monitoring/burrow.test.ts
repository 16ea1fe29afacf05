import { describe, expect, it } from 'vitest';
import {
  evaluatePartition,
  worstStatus,
  type BrokerOffsetSample,
  type OffsetSample,
} from '../../../src-main/core/monitoring/lag/burrow';

const T0 = 1_700_000_000_000;
const STEP = 5_000;

/** A window of samples taken every 5 s: [committedOffset, lag] pairs. */
function windowOf(points: [number, number][], start = T0): OffsetSample[] {
  return points.map(([committedOffset, lag], i) => ({
    observedAt: start + i * STEP,
    committedOffset,
    lag,
  }));
}

function lastTime(window: OffsetSample[]): number {
  return window[window.length - 1]!.observedAt;
}

describe('Burrow evaluation rules', () => {
  it('lag at or below the allowed lag is OK whatever the window says', () => {
    const window = windowOf([
      [100, 50],
      [90, 60],
      [80, 70],
    ]); // would be REWIND
    expect(evaluatePartition({ window, currentLag: 0, now: lastTime(window) })).toEqual({
      status: 'OK',
      rule: 'lag-within-allowed',
    });
    expect(
      evaluatePartition({ window, currentLag: 5, allowedLag: 10, now: lastTime(window) }).status,
    ).toBe('OK');
  });

  it('STOP when no commit happened for longer than the window spans', () => {
    const window = windowOf([
      [100, 10],
      [110, 12],
      [120, 14],
      [130, 16],
    ]);
    // commits span 15 s; 40 s of silence since the last one.
    const evaluation = evaluatePartition({
      window,
      currentLag: 30,
      now: lastTime(window) + 40_000,
    });
    expect(evaluation).toEqual({ status: 'STOP', rule: 'no-commit-for-window' });
  });

  it('STOP uses the broker commit timestamps when they are known', () => {
    const window = windowOf([
      [100, 10],
      [110, 12],
      [120, 14],
    ]).map((s, i) => ({
      ...s,
      committedAt: T0 + i * 1000,
    }));
    // Commits span 2 s and the last one was 10 s before the last observation.
    expect(evaluatePartition({ window, currentLag: 14, now: lastTime(window) }).status).toBe(
      'STOP',
    );
  });

  it('a slow partition that caught up inside the window is not falsely STOPped', () => {
    // The consumer commits rarely because messages arrive rarely: the log end
    // reached the committed offset in the window, then one new message landed.
    const window = windowOf([
      [500, 0],
      [500, 0],
      [500, 0],
      [500, 1],
    ]);
    const brokerOffsets: BrokerOffsetSample[] = window.map((s, i) => ({
      observedAt: s.observedAt,
      logEndOffset: i < 3 ? 500 : 501,
    }));
    const now = lastTime(window) + 60_000;
    expect(evaluatePartition({ window, brokerOffsets, currentLag: 1, now }).status).toBe('OK');
    // Without the broker history the same window would STOP.
    expect(evaluatePartition({ window, currentLag: 1, now }).status).toBe('STOP');
  });

  it('REWIND when the committed offset went backwards', () => {
    const window = windowOf([
      [100, 20],
      [120, 18],
      [90, 60],
      [110, 45],
    ]);
    expect(evaluatePartition({ window, currentLag: 45, now: lastTime(window) })).toEqual({
      status: 'REWIND',
      rule: 'offset-went-backwards',
    });
  });

  it('a rewind that recovers is OK once the backwards step leaves the window', () => {
    const all = windowOf([
      [100, 20],
      [90, 60],
      [110, 45],
      [130, 30],
      [150, 20],
      [170, 10],
    ]);
    const n = 4;
    const statuses = [];
    for (let end = n; end <= all.length; end += 1) {
      const window = all.slice(end - n, end);
      statuses.push(
        evaluatePartition({ window, currentLag: window[n - 1]!.lag, now: lastTime(window) }).status,
      );
    }
    // The backwards step (100 -> 90) sits between samples 0 and 1: only the first window holds it.
    expect(statuses).toEqual(['REWIND', 'OK', 'OK']);
  });

  it('OK when lag was within the allowed lag somewhere in the window', () => {
    const window = windowOf([
      [100, 0],
      [100, 5],
      [100, 9],
    ]);
    expect(evaluatePartition({ window, currentLag: 9, now: lastTime(window) })).toEqual({
      status: 'OK',
      rule: 'lag-within-allowed-in-window',
    });
  });

  it('STALL when the same offset was committed every time', () => {
    const window = windowOf([
      [100, 10],
      [100, 12],
      [100, 14],
    ]).map((s, i) => ({
      ...s,
      committedAt: s.observedAt - 100 + i, // the consumer keeps committing the same offset
    }));
    expect(evaluatePartition({ window, currentLag: 14, now: lastTime(window) })).toEqual({
      status: 'STALL',
      rule: 'same-offset-every-sample',
    });
  });

  it('WARN when lag never decreased while offsets advanced', () => {
    const window = windowOf([
      [100, 10],
      [110, 20],
      [120, 20],
      [130, 35],
    ]);
    expect(evaluatePartition({ window, currentLag: 35, now: lastTime(window) })).toEqual({
      status: 'WARN',
      rule: 'lag-never-decreased',
    });
  });

  it('OK when lag went down at least once', () => {
    const window = windowOf([
      [100, 30],
      [110, 40],
      [140, 20],
      [150, 25],
    ]);
    expect(evaluatePartition({ window, currentLag: 25, now: lastTime(window) })).toEqual({
      status: 'OK',
      rule: 'lag-decreasing',
    });
  });

  it('rules apply in Burrow order: STOP before REWIND before STALL', () => {
    const rewindAndSilent = windowOf([
      [100, 10],
      [90, 20],
      [95, 25],
    ]);
    expect(
      evaluatePartition({
        window: rewindAndSilent,
        currentLag: 25,
        now: lastTime(rewindAndSilent) + 60_000,
      }).status,
    ).toBe('STOP');
  });

  it('a single sample cannot judge a trend', () => {
    expect(evaluatePartition({ window: windowOf([[1, 5]]), currentLag: 5, now: T0 }).rule).toBe(
      'window-too-short',
    );
  });

  it('group status is the worst partition', () => {
    expect(worstStatus(['OK', 'WARN', 'OK'])).toBe('WARN');
    expect(worstStatus(['WARN', 'STOP', 'STALL', 'REWIND'])).toBe('STOP');
    expect(worstStatus(['WARN', 'STALL', 'REWIND'])).toBe('STALL');
    expect(worstStatus([])).toBe('OK');
  });
});
