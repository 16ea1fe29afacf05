import { describe, expect, it } from 'vitest';
import { estimateDrain, estimateTimeLag } from '../../../src-main/core/monitoring/lag/estimates';

const T0 = 1_700_000_000_000;

describe('time lag', () => {
  const history = [
    { observedAt: T0, logEndOffset: 1000 },
    { observedAt: T0 + 10_000, logEndOffset: 2000 },
    { observedAt: T0 + 20_000, logEndOffset: 2000 },
    { observedAt: T0 + 30_000, logEndOffset: 4000 },
  ];

  it('is zero at the head of the log', () => {
    expect(estimateTimeLag(4000, history, T0 + 31_000)).toEqual({ seconds: 0, basis: 'exact' });
  });

  it('interpolates between recorded log-end offsets', () => {
    // 1500 was the log end half-way between T0 and T0+10s.
    expect(estimateTimeLag(1500, history, T0 + 30_000)).toEqual({
      seconds: 25,
      basis: 'interpolated',
    });
    // 3000 was reached half-way between T0+20s and T0+30s.
    expect(estimateTimeLag(3000, history, T0 + 30_000)).toEqual({
      seconds: 5,
      basis: 'interpolated',
    });
  });

  it('uses the first time a plateau value was reached', () => {
    expect(estimateTimeLag(2000, history, T0 + 30_000)?.seconds).toBe(20);
  });

  it('gives a lower bound when the offset predates the history', () => {
    expect(estimateTimeLag(10, history, T0 + 30_000)).toEqual({
      seconds: 30,
      basis: 'lower-bound',
    });
  });

  it('has nothing to say without history', () => {
    expect(estimateTimeLag(10, [], T0)).toBeNull();
  });
});

describe('time to drain', () => {
  const window = [
    { observedAt: T0, committedOffset: 0, lag: 1000 },
    { observedAt: T0 + 10_000, committedOffset: 1000, lag: 500 },
  ];

  it('divides the lag by consumption minus production over the window', () => {
    const history = [
      { observedAt: T0, logEndOffset: 1000 },
      { observedAt: T0 + 10_000, logEndOffset: 1500 },
    ];
    // consumes 100/s, production 50/s -> net 50/s; 500 lag -> 10 s.
    expect(estimateDrain(window, history, 500)).toEqual({
      consumeRate: 100,
      produceRate: 50,
      secondsToDrain: 10,
    });
  });

  it('never drains when production keeps pace', () => {
    const history = [
      { observedAt: T0, logEndOffset: 1000 },
      { observedAt: T0 + 10_000, logEndOffset: 2000 },
    ];
    expect(estimateDrain(window, history, 1000).secondsToDrain).toBeNull();
  });

  it('is zero with no lag and null when the consumer is stopped', () => {
    expect(estimateDrain(window, [], 0).secondsToDrain).toBe(0);
    const stopped = [
      { observedAt: T0, committedOffset: 5, lag: 10 },
      { observedAt: T0 + 5000, committedOffset: 5, lag: 10 },
    ];
    expect(estimateDrain(stopped, [], 10).secondsToDrain).toBeNull();
  });
});
