import { describe, expect, it } from 'vitest';
import { MessagePace } from '../../../sandbox/sync/throttle';

describe('MessagePace', () => {
  it('spaces messages at the configured rate across every caller', () => {
    const pace = new MessagePace(4); // one message every 250 ms
    const now = 1_000_000;
    expect(pace.reserve(1, now)).toBe(0);
    expect(pace.reserve(1, now)).toBe(250);
    expect(pace.reserve(2, now)).toBe(500);
    expect(pace.reserve(1, now + 2000)).toBe(0);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new MessagePace(0)).toThrow(RangeError);
  });
});
