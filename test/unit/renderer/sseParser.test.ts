import { describe, expect, it } from 'vitest';
import { SseParser } from '../../../src-renderer/src/api/sseParser';

describe('SseParser', () => {
  it('parses named events with JSON data and ignores heartbeats', () => {
    const parser = new SseParser();
    const frames = parser.push(
      ': connected\n\nevent: environments.changed\ndata: {"ids":["a"]}\n\n: ping\n\n',
    );
    expect(frames).toEqual([{ event: 'environments.changed', data: '{"ids":["a"]}' }]);
  });

  it('reassembles frames split at any byte, including between \\r and \\n', () => {
    const text = 'event: a\r\ndata: 1\r\n\r\nevent: b\ndata: x\ndata: y\n\n';
    for (let cut = 1; cut < text.length; cut += 1) {
      const parser = new SseParser();
      const frames = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(frames, `cut at ${cut}`).toEqual([
        { event: 'a', data: '1' },
        { event: 'b', data: 'x\ny' },
      ]);
    }
  });

  it('defaults the event name to "message" and drops frames without data', () => {
    const parser = new SseParser();
    expect(parser.push('event: lonely\n\ndata: plain\n\n')).toEqual([
      { event: 'message', data: 'plain' },
    ]);
  });
});
