import type { IncomingMessage } from 'node:http';
import { locateJsonSyntaxError } from '@shared/jsonSyntax';

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body is larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the whole body, refusing (BodyTooLargeError) as soon as the declared
 * length or the bytes received pass the limit, so an oversized upload is never
 * held in memory. The remainder is drained, not read into memory, so the
 * client still gets the refusal instead of a reset connection.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      req.resume();
      reject(new BodyTooLargeError(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limitBytes) {
        req.off('data', onData);
        chunks.length = 0;
        req.resume();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, received)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('client closed the connection before the body ended'));
    });
  });
}

export type ParsedBody =
  { ok: true; value: unknown } | { ok: false; message: string; details?: Record<string, unknown> };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The call's input. An empty (or blank) body means {}: channels without
 * parameters can be called with a bare POST.
 */
export function parseJsonBody(body: Buffer): ParsedBody {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, message: 'request body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const problem = locateJsonSyntaxError(text);
    if (problem) {
      return {
        ok: false,
        message:
          `request body is not valid JSON: ${problem.reason} at line ${problem.line}, ` +
          `column ${problem.column} (position ${problem.position})`,
        details: { line: problem.line, column: problem.column, position: problem.position },
      };
    }
    // The locator and V8 disagree (should not happen): fall back to V8's words.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `request body is not valid JSON: ${reason}` };
  }
}
