import { describe, expect, it } from 'vitest';
import {
  BytePace,
  INDEX_FETCH,
  indexGroupId,
} from '../../../src-main/core/deadletters/index/kafkaSync';
import {
  PRODUCE_REQUEST_BYTES,
  PRODUCE_REQUEST_RECORDS,
  produceRequests,
} from '../../../src-main/core/deadletters/sources/kafkaProduce';

describe('Kafka index pace', () => {
  it('waits so that the bytes read stay at the pace on average, and not when behind it', () => {
    const pace = new BytePace(1000);
    expect(pace.delayAfter(500, 0)).toBe(500);
    expect(pace.delayAfter(500, 100)).toBe(900);
    // Behind the pace (a slow broker): no wait, and no burst banked beyond the average.
    expect(pace.delayAfter(100, 5000)).toBe(0);
    expect(pace.delayAfter(3000, 5000)).toBe(3000);
  });

  it('bounds every fetch and reads in a group of its own, named as Sluice’s, fresh per read', () => {
    expect(INDEX_FETCH.maxBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(INDEX_FETCH.maxBytesPerPartition).toBeLessThanOrEqual(INDEX_FETCH.maxBytes);
    expect(INDEX_FETCH.maxWaitTimeInMs).toBeLessThanOrEqual(1000);
    const one = indexGroupId();
    expect(one).toMatch(/^sluice-dlq-index-[0-9a-f-]{36}$/);
    expect(indexGroupId()).not.toBe(one);
  });
});

describe('Kafka produce requests', () => {
  it('cuts records into runs within the byte and record bounds, in order, none lost', () => {
    const sizes = [...Array.from({ length: 2500 }, () => 10), 200 * 1024, 100 * 1024, 300 * 1024];
    const requests = produceRequests(sizes, (size) => size);
    expect(requests.flat()).toEqual(sizes);
    expect(requests.map((r) => r.length).slice(0, 3)).toEqual([1000, 1000, 501]);
    for (const request of requests) {
      expect(request.length).toBeLessThanOrEqual(PRODUCE_REQUEST_RECORDS);
      const bytes = request.reduce((sum, size) => sum + size, 0);
      // One record larger than the bound goes alone (the broker decides whether it fits).
      expect(bytes <= PRODUCE_REQUEST_BYTES || request.length === 1).toBe(true);
    }
  });
});
