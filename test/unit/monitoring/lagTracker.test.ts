import { describe, expect, it } from 'vitest';
import { LagTracker, type KafkaSample } from '../../../src-main/core/monitoring/kafka/lagTracker';

const T0 = 1_700_000_000_000;
const STEP = 5_000;

function sample(
  logEnd: Record<number, number>,
  committed: Record<number, number>,
  origin: 'broker' | 'configuration' = 'configuration',
): KafkaSample {
  return {
    brokers: 1,
    groupsSource: 'configuration',
    groupsSourceNote: null,
    missingTopics: [],
    logEnd: new Map([['t', new Map(Object.entries(logEnd).map(([p, o]) => [Number(p), o]))]]),
    groups: [
      {
        groupId: 'g',
        origin,
        topics: ['t'],
        committed: new Map([
          ['t', new Map(Object.entries(committed).map(([p, o]) => [Number(p), o]))],
        ]),
        error: null,
      },
    ],
  };
}

describe('lag tracker', () => {
  it('reports per-partition lag, the group total and the max-lag partition', () => {
    const tracker = new LagTracker(5, 0);
    const state = tracker.update(sample({ 0: 100, 1: 50, 2: 10 }, { 0: 90, 1: 20, 2: 10 }), T0);
    expect(state.partitions.map((p) => [p.partition, p.lag])).toEqual([
      [0, 10],
      [1, 30],
      [2, 0],
    ]);
    const topic = state.groups[0]!.topics[0]!;
    expect(topic.totalLag).toBe(40);
    expect(topic.maxLagPartition).toEqual({ partition: 1, lag: 30 });
    expect(state.groups[0]!.totalLag).toBe(40);
  });

  it('a consumer that stops: WARN while lag grows, then STOP once the silence outlasts the window', () => {
    const tracker = new LagTracker(4, 0);
    let produced = 1000;
    let consumed = 990;
    const statuses: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      produced += 20;
      // Consumes for the first three samples (but slower than production), then stops.
      if (i < 3) consumed += 10;
      const state = tracker.update(sample({ 0: produced }, { 0: consumed }), T0 + i * STEP);
      statuses.push(state.groups[0]!.status);
    }
    expect(statuses.slice(1, 4)).toEqual(['WARN', 'WARN', 'WARN']);
    expect(statuses.at(-1)).toBe('STOP');
    expect(statuses.indexOf('STOP')).toBeGreaterThan(statuses.indexOf('WARN'));
  });

  it('back to OK once the consumer catches up', () => {
    const tracker = new LagTracker(4, 0);
    tracker.update(sample({ 0: 100 }, { 0: 10 }), T0);
    tracker.update(sample({ 0: 100 }, { 0: 50 }), T0 + STEP);
    const state = tracker.update(sample({ 0: 100 }, { 0: 100 }), T0 + 2 * STEP);
    expect(state.groups[0]!.status).toBe('OK');
    expect(state.groups[0]!.topics[0]!.secondsToDrain).toBe(0);
  });

  it('time lag comes from the log-end history and time to drain from the window rates', () => {
    const tracker = new LagTracker(10, 0);
    // Production 10/s; the consumer takes 20/s from 0 while the log starts at 500.
    let state = tracker.update(sample({ 0: 500 }, { 0: 0 }), T0);
    for (let i = 1; i <= 4; i += 1) {
      state = tracker.update(sample({ 0: 500 + 50 * i }, { 0: 100 * i }), T0 + i * STEP);
    }
    // Committed 400; the log end was 400 before the first sample: a lower bound of 20 s.
    const partition = state.partitions[0]!;
    expect(partition.lag).toBe(300);
    expect(partition.timeLagSeconds).toBe(20);
    expect(state.groups[0]!.topics[0]!.timeLagBasis).toBe('lower-bound');
    // 20/s consumed - 10/s produced = 10/s net: 300 / 10 = 30 s.
    expect(partition.secondsToDrain).toBeCloseTo(30, 5);
    expect(state.groups[0]!.topics[0]!.consumeRate).toBeCloseTo(20, 5);
    expect(state.groups[0]!.topics[0]!.produceRate).toBeCloseTo(10, 5);

    // Committed 600 is where the log end was at T0 + 2 steps: interpolated.
    state = tracker.update(sample({ 0: 750 }, { 0: 600 }), T0 + 5 * STEP);
    expect(state.partitions[0]!.timeLagSeconds).toBeCloseTo(15, 5);
  });

  it('partitions without a commit are listed but not counted; a group found on the broker without commits on the topic is left out', () => {
    const tracker = new LagTracker(5, 0);
    const configured = tracker.update(sample({ 0: 10, 1: 20 }, { 0: 5 }), T0);
    expect(configured.groups[0]!.topics[0]).toMatchObject({
      uncommittedPartitions: 1,
      totalLag: 5,
    });
    expect(configured.partitions[1]).toMatchObject({
      committedOffset: null,
      lag: null,
      rule: 'no-commit',
    });

    const discovered = tracker.update(sample({ 0: 10 }, {}, 'broker'), T0 + STEP);
    expect(discovered.groups[0]!.topics).toEqual([]);
    expect(discovered.groups[0]!.status).toBe('OK');
  });

  it('a committed offset ahead of a stale log end counts as no lag', () => {
    const tracker = new LagTracker(5, 0);
    const state = tracker.update(sample({ 0: 10 }, { 0: 12 }), T0);
    expect(state.partitions[0]!.lag).toBe(0);
  });
});
