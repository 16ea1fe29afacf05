import { describe, expect, it } from 'vitest';
import { planReset, type PartitionPosition } from '../../../src-main/core/kafkaGroups/resetPlan';

const positions: PartitionPosition[] = [
  { topic: 't', partition: 1, committed: 40, logStart: 10, logEnd: 100, atTimestamp: 55 },
  { topic: 't', partition: 0, committed: 7, logStart: 5, logEnd: 8, atTimestamp: null },
];

describe('planning an offset reset', () => {
  it('earliest and latest go to the log start and end; lag follows', () => {
    expect(planReset({ kind: 'earliest' }, positions).rows).toEqual([
      expect.objectContaining({ partition: 0, current: 7, next: 5, lagBefore: 1, lagAfter: 3 }),
      expect.objectContaining({ partition: 1, current: 40, next: 10, lagBefore: 60, lagAfter: 90 }),
    ]);
    const latest = planReset({ kind: 'latest' }, positions).rows;
    expect(latest.map((r) => [r.next, r.lagAfter, r.clamped])).toEqual([
      [8, 0, false],
      [100, 0, false],
    ]);
  });

  it('shift by 1 skips the record at the committed offset', () => {
    const { rows, problems } = planReset({ kind: 'shift', by: 1 }, positions);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.next)).toEqual([8, 41]);
  });

  it('a target beyond what the broker holds is clamped and marked', () => {
    const { rows } = planReset({ kind: 'shift', by: -100 }, positions);
    expect(rows.map((r) => [r.next, r.clamped])).toEqual([
      [5, true],
      [10, true],
    ]);
    const exact = planReset({ kind: 'offset', offset: 50 }, positions).rows;
    expect(exact.map((r) => [r.next, r.clamped])).toEqual([
      [8, true],
      [50, false],
    ]);
  });

  it('a timestamp after the last record means the log end', () => {
    const { rows } = planReset({ kind: 'timestamp', timestamp: 1 }, positions);
    expect(rows.map((r) => r.next)).toEqual([8, 55]);
  });

  it('a shift of a partition without a commit is a problem in words, not a guess', () => {
    const { rows, problems } = planReset({ kind: 'shift', by: 1 }, [
      { topic: 't', partition: 3, committed: null, logStart: 0, logEnd: 9 },
    ]);
    expect(rows).toEqual([]);
    expect(problems).toEqual([
      expect.stringMatching(/^t\/3 has no committed offset to shift from/),
    ]);
  });
});
