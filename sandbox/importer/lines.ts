import { createReadStream } from 'node:fs';

export interface RawLine {
  /** 1-based. */
  number: number;
  bytes: Buffer;
}

/**
 * The lines of a file as raw bytes (no decoding, so invalid UTF-8 is seen
 * rather than silently replaced), without their line terminators. A line
 * longer than `maxBytes` is cut there and flagged, instead of being buffered whole.
 */
export async function* readLines(
  path: string,
  maxBytes: number,
): AsyncGenerator<RawLine & { truncated: boolean }> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let truncated = false;
  let number = 0;
  const emit = (): RawLine & { truncated: boolean } => {
    number += 1;
    let bytes = Buffer.concat(pending, pendingSize);
    if (bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    const line = { number, bytes, truncated };
    pending = [];
    pendingSize = 0;
    truncated = false;
    return line;
  };
  const keep = (part: Buffer): void => {
    if (truncated) return;
    const room = maxBytes - pendingSize;
    if (part.length > room) {
      truncated = true;
      part = part.subarray(0, Math.max(0, room));
    }
    pending.push(part);
    pendingSize += part.length;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
      keep(chunk.subarray(start, newline));
      yield emit();
      start = newline + 1;
    }
    keep(chunk.subarray(start));
  }
  if (pendingSize > 0 || truncated) yield emit();
}
