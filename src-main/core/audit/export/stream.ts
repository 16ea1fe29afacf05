import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Writes one chunk and waits for the stream to drain when its buffer is full. */
export async function writeChunk(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Ends the stream and waits until everything was flushed (or the stream failed). */
export async function endStream(out: Writable): Promise<void> {
  out.end();
  await finished(out);
}
