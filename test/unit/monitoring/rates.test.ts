import { describe, expect, it } from 'vitest';
import {
  QueueRateTracker,
  computeQueueRates,
  type QueueObservation,
} from '../../../src-main/core/monitoring/redis/rates';

const T0 = 1_700_000_000_000;

function obs(
  seconds: number,
  depth: number,
  inCounter: number | null = null,
  outCounter: number | null = null,
): QueueObservation {
  return { at: T0 + seconds * 1000, depth, inCounter, outCounter };
}

describe('queue rates from successive samples', () => {
  it('needs two samples', () => {
    expect(computeQueueRates([obs(0, 10)])).toEqual({
      inRate: null,
      outRate: null,
      basis: null,
      trend: null,
    });
  });

  it('without counters, in and out are the positive and negative parts of the depth change (lower bounds)', () => {
    const growing = computeQueueRates([obs(0, 100), obs(5, 150)]);
    expect(growing).toMatchObject({ inRate: 10, outRate: 0, basis: 'depth-change', trend: 10 });
    const draining = computeQueueRates([obs(0, 150), obs(5, 100)]);
    expect(draining).toMatchObject({ inRate: 0, outRate: 10, basis: 'depth-change', trend: -10 });
    // Equal traffic in and out is invisible to LLEN: both bounds are 0.
    expect(computeQueueRates([obs(0, 100), obs(5, 100)])).toMatchObject({ inRate: 0, outRate: 0 });
  });

  it('with an in counter, in is exact and out is in minus the depth change', () => {
    // 60 entries arrived in 5 s and the depth rose by 10: 50 left.
    const rates = computeQueueRates([obs(0, 100, 1000), obs(5, 110, 1060)]);
    expect(rates.basis).toBe('counters');
    expect(rates.inRate).toBe(12);
    expect(rates.outRate).toBe(10);
  });

  it('an out counter, when configured, gives the out rate directly', () => {
    const rates = computeQueueRates([obs(0, 100, 1000, 500), obs(10, 100, 1100, 580)]);
    expect(rates).toMatchObject({ inRate: 10, outRate: 8, basis: 'counters' });
  });

  it('a counter that went down was reset: the increase is its new value', () => {
    const rates = computeQueueRates([obs(0, 5, 1000), obs(5, 5, 20)]);
    expect(rates.inRate).toBe(4);
    expect(rates.outRate).toBe(4);
  });

  it('uses the last two samples for rates and the whole window for the trend', () => {
    const rates = computeQueueRates([obs(0, 0), obs(5, 100), obs(10, 100)]);
    expect(rates.inRate).toBe(0);
    expect(rates.trend).toBe(10);
  });

  it('the tracker keeps a bounded window per key and forgets a key that failed', () => {
    const tracker = new QueueRateTracker(3);
    tracker.observe('q', obs(0, 0));
    tracker.observe('q', obs(5, 50));
    tracker.observe('q', obs(10, 50));
    // Window is now [5, 10, 15]: trend (60 - 50) / 10 s.
    expect(tracker.observe('q', obs(15, 60)).trend).toBe(1);
    tracker.forget('q');
    expect(tracker.observe('q', obs(20, 70)).inRate).toBeNull();
    expect(tracker.observe('other', obs(20, 1)).inRate).toBeNull();
  });
});
