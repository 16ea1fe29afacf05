import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_EVENTS_PATH, HTTP_TOKEN_HEADER } from '@shared/contract';
import { rawRequest, startTestBridge, type TestBridge } from './harness';

interface OpenStream {
  response: IncomingMessage;
  /** Resolves when the accumulated text contains `needle`. */
  waitFor(needle: string): Promise<string>;
  text(): string;
  destroy(): void;
}

function openStream(t: TestBridge): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.bridge.port,
        path: HTTP_EVENTS_PATH,
        headers: { host: t.host, [HTTP_TOKEN_HEADER]: t.bridge.token, accept: 'text/event-stream' },
        agent: false,
      },
      (response) => {
        let text = '';
        const waiters: { needle: string; done: (text: string) => void }[] = [];
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          for (const waiter of [...waiters]) {
            if (text.includes(waiter.needle)) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.done(text);
            }
          }
        });
        response.on('error', () => undefined);
        resolve({
          response,
          text: () => text,
          waitFor: (needle) =>
            text.includes(needle)
              ? Promise.resolve(text)
              : new Promise((done) => waiters.push({ needle, done })),
          destroy: () => req.destroy(),
        });
      },
    );
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('bridge event stream', () => {
  let t: TestBridge | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it('delivers an emitted event as an SSE frame', async () => {
    t = await startTestBridge();
    const stream = await openStream(t);
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toBe('text/event-stream');
    expect(stream.response.headers['cache-control']).toBe('no-store');
    await stream.waitFor(': connected\n\n');
    t.bus.emit('environments.changed', { ids: ['prod', 'staging'] });
    const text = await stream.waitFor(
      'event: environments.changed\ndata: {"ids":["prod","staging"]}\n\n',
    );
    expect(text).toBe(
      ': connected\n\nevent: environments.changed\ndata: {"ids":["prod","staging"]}\n\n',
    );
    stream.destroy();
  });

  it('removes the EventBus subscription when the client disconnects', async () => {
    t = await startTestBridge();
    const first = await openStream(t);
    const second = await openStream(t);
    await waitUntil(() => t!.activeSubscriptions() === 2);
    first.destroy();
    await waitUntil(() => t!.activeSubscriptions() === 1);
    // The remaining client still gets events.
    t.bus.emit('settings.changed', { keys: ['theme'] });
    await second.waitFor('event: settings.changed\ndata: {"keys":["theme"]}\n\n');
    second.destroy();
    await waitUntil(() => t!.activeSubscriptions() === 0);
  });

  it('sends a ping comment on the interval', async () => {
    t = await startTestBridge({ pingIntervalMs: 50 });
    const stream = await openStream(t);
    await stream.waitFor(': ping\n\n');
    stream.destroy();
  });

  it('ends open streams and unsubscribes when the bridge closes', async () => {
    t = await startTestBridge();
    const stream = await openStream(t);
    await waitUntil(() => t!.activeSubscriptions() === 1);
    const ended = new Promise<void>((resolve) => stream.response.once('close', () => resolve()));
    await t.bridge.close();
    await ended;
    expect(t.activeSubscriptions()).toBe(0);
  });

  it('refuses the stream without the token header', async () => {
    t = await startTestBridge();
    const response = await rawRequest(t.bridge.port, { path: HTTP_EVENTS_PATH });
    expect(response.status).toBe(403);
    expect(t.activeSubscriptions()).toBe(0);
  });
});
