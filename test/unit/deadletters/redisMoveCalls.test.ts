import { describe, expect, it } from 'vitest';
import type { MoveItem } from '../../../src-main/core/deadletters/source';
import { moveScriptArgs } from '../../../src-main/core/deadletters/sources/redisScripts';
import { moveCalls } from '../../../src-main/core/deadletters/sources/redisSource';

function item(step: number, target = 'queue'): MoveItem {
  return {
    step,
    key: String(step),
    stored: Buffer.from(`element ${step}`),
    payload: Buffer.from(`payload ${step}`),
    recordKey: null,
    headers: [],
    target: { kind: 'redis-list', key: target, side: 'head' },
    replayId: `job:${step}`,
    origin: 'redis:dead',
    resent: false,
  };
}

const steps = (calls: MoveItem[][]) => calls.map((call) => call.map((i) => i.step));

describe('Redis move calls', () => {
  it('each call is a run of consecutive steps', () => {
    const items = [0, 1, 2, 5, 6, 9].map((step) => item(step));
    expect(steps(moveCalls(items))).toEqual([[0, 1, 2], [5, 6], [9]]);
  });

  it('a call names at most 250 target lists (the script numbers them with one byte)', () => {
    const items = Array.from({ length: 600 }, (_, step) => item(step, `queue-${step % 300}`));
    const calls = moveCalls(items);
    expect(calls.map((call) => call.length)).toEqual([250, 250, 100]);
    for (const call of calls) {
      expect(
        new Set(call.map((i) => (i.target.kind === 'redis-list' ? i.target.key : ''))).size,
      ).toBeLessThanOrEqual(250);
    }
  });

  it('packs elements, payloads and a 10-byte layout per entry, byte for byte', () => {
    const [elements, payloads, layout] = moveScriptArgs([
      {
        element: Buffer.from([0, 255, 10]),
        payload: Buffer.alloc(0),
        targetIndex: 3,
        side: 'head',
      },
      { element: Buffer.from('é'), payload: Buffer.from('xyz'), targetIndex: 4, side: 'tail' },
    ]);
    expect(elements).toEqual(Buffer.from([0, 255, 10, 0xc3, 0xa9]));
    expect(payloads).toEqual(Buffer.from('xyz'));
    expect(layout.toString('hex')).toBe(
      '00000003' + '00000000' + '03' + '4c' + '00000002' + '00000003' + '04' + '52',
    );
    expect(() =>
      moveScriptArgs([
        { element: Buffer.from('a'), payload: Buffer.from('a'), targetIndex: 256, side: 'head' },
      ]),
    ).toThrow(/at most 253 targets/);
  });
});
