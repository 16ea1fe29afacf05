import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from '../core/rpc/eventBus';
import type { Logger } from '@shared/log/logger';

export interface EventStreamOptions {
  readonly events: Pick<EventBus, 'onAny'>;
  readonly logger: Logger;
  /** A comment line this often keeps proxies and the client's idle timer satisfied. */
  readonly pingIntervalMs: number;
  /**
   * A client that stops reading would make the server buffer every event
   * forever; past this many unsent bytes the stream is closed instead (the
   * client reconnects and refetches).
   */
  readonly maxBufferedBytes: number;
}

/**
 * Turns one GET /api/events into a server-sent-events stream of every
 * EventBus event: `event: <name>\ndata: <json>\n\n`. JSON.stringify never
 * emits a raw newline, so each payload is exactly one data line. Returns a
 * function that ends the stream (used when the bridge closes); the EventBus
 * subscription is removed whenever the stream ends, however it ends.
 */
export function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  options: EventStreamOptions,
): () => void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  // A first frame right away, so the client knows the stream is open.
  res.write(': connected\n\n');

  let closed = false;
  const write = (frame: string): void => {
    if (closed) return;
    if (res.writableLength > options.maxBufferedBytes) {
      options.logger.warn('event stream client is not reading; closing its stream', {
        bufferedBytes: res.writableLength,
      });
      end();
      return;
    }
    res.write(frame);
  };

  const unsubscribe = options.events.onAny((event, payload) => {
    let data: string;
    try {
      data = JSON.stringify(payload) ?? 'null';
    } catch (error) {
      options.logger.error('event payload could not be serialised', { event, error });
      return;
    }
    write(`event: ${event}\ndata: ${data}\n\n`);
  });
  const ping = setInterval(() => write(': ping\n\n'), options.pingIntervalMs);
  ping.unref();

  const cleanUp = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    unsubscribe();
  };
  const end = (): void => {
    cleanUp();
    if (!res.writableEnded) res.end();
    // The client may keep its side open; the socket must go so server.close() can finish.
    req.socket.destroySoon();
  };

  req.once('close', cleanUp);
  res.once('close', cleanUp);
  res.once('error', cleanUp);
  return end;
}
