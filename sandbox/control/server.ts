import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { errorMessage } from '../common/errors';
import { closeServer, listen, readBody, refuse, sendJson } from '../common/http';
import { describeJsonError } from '../schema/document';

export interface Pausable {
  pause(): void;
  resume(): void;
  readonly paused: boolean;
}

export interface LoadControls {
  start(): Promise<void>;
  stop(): Promise<void>;
  setRate(rate: number): void;
  burst(seconds: number, multiplier?: number): void;
}

/** The sync consumer can also be slowed down (messages per second; null: full speed). */
export interface Throttleable extends Pausable {
  throttle(perSecond: number | null): void;
  readonly throttledTo: number | null;
}

export interface Controls {
  worker: Pausable | null;
  sync: Throttleable | null;
  load: LoadControls | null;
  status(): Promise<unknown>;
}

class BadRequest extends Error {}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, 16 * 1024);
  if (!body.ok) throw new BadRequest(body.reason);
  const text = body.bytes.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequest(`body is not valid JSON: ${describeJsonError(text)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequest('body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function positiveNumber(body: Record<string, unknown>, name: string, fallback?: number): number {
  const value = body[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new BadRequest(`${name} must be a number >= 0`);
  }
  return value;
}

/** Loopback HTTP controls that make backlog, lag and sync gaps on purpose. */
export class ControlServer {
  private readonly server: Server;
  private baseUrl: string | null = null;

  constructor(
    private readonly controls: Controls,
    private readonly port = 0,
  ) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (error instanceof BadRequest || error instanceof RangeError) {
          return refuse(res, 400, error.message);
        }
        sendJson(res, 500, { error: errorMessage(error) });
      });
    });
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('control server is not started');
    return this.baseUrl;
  }

  async start(): Promise<string> {
    this.baseUrl = await listen(this.server, this.port);
    return this.baseUrl;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Browsers reach loopback too: refuse requests addressed to any other host name (DNS rebinding).
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (host !== '127.0.0.1' && host !== 'localhost') return refuse(res, 403, 'wrong Host header');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/control/status' && req.method === 'GET') {
      return sendJson(res, 200, await this.controls.status());
    }
    if (req.method !== 'POST') return refuse(res, 405, `use GET /control/status or POST ${path}`);
    const [, , target, action] = path.split('/');
    if (target === 'sync' && action === 'throttle') {
      const sync = this.controls.sync;
      if (!sync) return sendJson(res, 409, { error: 'the sync is not running in this sandbox' });
      const body = await jsonBody(req);
      sync.throttle(body.perSecond === null ? null : positiveNumber(body, 'perSecond'));
      return sendJson(res, 200, { sync: { paused: sync.paused, throttledTo: sync.throttledTo } });
    }
    if (target === 'worker' || target === 'sync') {
      const piece = target === 'worker' ? this.controls.worker : this.controls.sync;
      if (!piece)
        return sendJson(res, 409, { error: `the ${target} is not running in this sandbox` });
      if (action === 'pause') piece.pause();
      else if (action === 'resume') piece.resume();
      else return sendJson(res, 404, { error: `no action ${action ?? ''} for ${target}` });
      return sendJson(res, 200, { [target]: { paused: piece.paused } });
    }
    if (target === 'load') {
      const load = this.controls.load;
      if (!load) return sendJson(res, 409, { error: 'no load generator in this sandbox' });
      const body = await jsonBody(req);
      switch (action) {
        case 'start':
          if (body.rate !== undefined) load.setRate(positiveNumber(body, 'rate'));
          await load.start();
          break;
        case 'stop':
          await load.stop();
          break;
        case 'rate':
          load.setRate(positiveNumber(body, 'rate'));
          break;
        case 'burst':
          load.burst(positiveNumber(body, 'seconds'), positiveNumber(body, 'multiplier', 10));
          break;
        default:
          return sendJson(res, 404, { error: `no action ${action ?? ''} for load` });
      }
      return sendJson(res, 200, await this.controls.status());
    }
    return sendJson(res, 404, { error: `no route ${path}` });
  }
}
