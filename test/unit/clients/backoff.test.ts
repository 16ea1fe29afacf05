import { describe, expect, it } from 'vitest';
import { exponentialBackoff, linearBackoff } from '../../../src-shared/net/backoff';

describe('exponentialBackoff', () => {
  it('doubles from the first delay and stops at the ceiling', () => {
    const options = { initialMs: 200, maxMs: 5000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => exponentialBackoff(a, options))).toEqual([
      200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  it('treats attempt 0 or less as the first, and has no ceiling unless given one', () => {
    expect(exponentialBackoff(0, { initialMs: 100 })).toBe(100);
    expect(exponentialBackoff(-3, { initialMs: 100 })).toBe(100);
    expect(exponentialBackoff(11, { initialMs: 100 })).toBe(102_400);
  });

  it('stays finite for absurd attempt counts', () => {
    expect(Number.isFinite(exponentialBackoff(10_000, { initialMs: 1 }))).toBe(true);
    expect(exponentialBackoff(10_000, { initialMs: 1000, maxMs: 30_000 })).toBe(30_000);
  });

  it('spreads the delay by the jitter fraction, rounded to whole milliseconds', () => {
    const options = { initialMs: 1000, maxMs: 30_000, jitter: 0.2 };
    expect(exponentialBackoff(1, { ...options, random: () => 0 })).toBe(800);
    expect(exponentialBackoff(1, { ...options, random: () => 0.5 })).toBe(1000);
    expect(exponentialBackoff(1, { ...options, random: () => 1 })).toBe(1200);
    expect(exponentialBackoff(3, { ...options, random: () => 0.123 })).toBe(
      Math.round(4000 * 0.8492),
    );
  });
});

describe('linearBackoff', () => {
  it('grows by one step per attempt up to the ceiling', () => {
    const options = { stepMs: 200, maxMs: 2000 };
    expect([1, 2, 5, 10, 11, 50].map((a) => linearBackoff(a, options))).toEqual([
      200, 400, 1000, 2000, 2000, 2000,
    ]);
  });

  it('has no ceiling unless given one, and waits at least one step', () => {
    expect(linearBackoff(7, { stepMs: 100 })).toBe(700);
    expect(linearBackoff(0, { stepMs: 100 })).toBe(100);
  });
});
