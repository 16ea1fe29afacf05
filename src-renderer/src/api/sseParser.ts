/** One server-sent event: its name (default "message") and its raw data text. */
export interface SseFrame {
  event: string;
  data: string;
}

/**
 * Incremental parser for a text/event-stream body. Chunks may split a line or
 * a frame anywhere, so it keeps the unfinished tail between pushes. Lines that
 * start with ':' are heartbeats and are ignored; a blank line ends a frame.
 */
export class SseParser {
  private buffer = '';
  private eventName = '';
  private dataLines: string[] = [];

  push(chunk: string): SseFrame[] {
    this.buffer += chunk;
    const frames: SseFrame[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone '\r' at the very end may be the first half of '\r\n': wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const frame = this.takeLine(line);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  private takeLine(line: string): SseFrame | null {
    if (line === '') {
      if (this.dataLines.length === 0) {
        this.eventName = '';
        return null;
      }
      const frame = { event: this.eventName || 'message', data: this.dataLines.join('\n') };
      this.eventName = '';
      this.dataLines = [];
      return frame;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.dataLines.push(value);
    // "id" and "retry" are not used: reconnection is handled by the client itself.
    return null;
  }
}
