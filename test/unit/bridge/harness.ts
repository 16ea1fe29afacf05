import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WireResult } from '@shared/contract';
import { silentLogger } from '@shared/log/logger';
import type { CallContext, Dispatch } from '../../../src-main/core/rpc/dispatcher';
import { EventBus } from '../../../src-main/core/rpc/eventBus';
import { startBridge, type Bridge, type BridgeOptions } from '../../../src-main/bridge/server';

export const INDEX_HTML =
  '<!doctype html><title>Sluice</title><script src="./assets/app.js"></script>';
export const APP_JS = 'console.log("sluice page");';
export const OUTSIDE_SECRET = 'outside-the-static-root';

export interface RecordedCall {
  channel: string;
  input: unknown;
  ctx: CallContext;
}

export interface TestBridge {
  bridge: Bridge;
  bus: EventBus;
  calls: RecordedCall[];
  /** Live EventBus subscriptions made through the bridge. */
  activeSubscriptions(): number;
  host: string;
  origin: string;
  dispose(): Promise<void>;
}

/**
 * A real bridge on 127.0.0.1:0 with a recording dispatch, a real EventBus
 * and a temporary static directory (index.html, assets/app.js,
 * assets/style.css), next to a file and a symlink that lead outside it.
 */
export async function startTestBridge(
  overrides: Partial<Omit<BridgeOptions, 'dispatch' | 'events' | 'staticDir' | 'logger'>> & {
    dispatch?: Dispatch;
  } = {},
): Promise<TestBridge> {
  const base = await mkdtemp(join(tmpdir(), 'sluice-bridge-'));
  const staticDir = join(base, 'static');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), INDEX_HTML);
  await writeFile(join(staticDir, 'assets', 'app.js'), APP_JS);
  await writeFile(join(staticDir, 'assets', 'style.css'), 'body { margin: 0; }');
  await writeFile(join(base, 'secret.txt'), OUTSIDE_SECRET);
  await symlink(join(base, 'secret.txt'), join(staticDir, 'assets', 'link.txt'));

  const calls: RecordedCall[] = [];
  const dispatch: Dispatch =
    overrides.dispatch ??
    (async (channel, input, ctx): Promise<WireResult> => {
      calls.push({ channel, input, ctx });
      return { ok: true, value: { channel, input } };
    });
  const bus = new EventBus(silentLogger);
  let active = 0;
  const events = {
    onAny: (listener: Parameters<EventBus['onAny']>[0]) => {
      active += 1;
      const off = bus.onAny(listener);
      let removed = false;
      return () => {
        if (!removed) {
          removed = true;
          active -= 1;
        }
        return off();
      };
    },
  };
  const { dispatch: _ignored, ...rest } = overrides;
  const bridge = await startBridge({ ...rest, dispatch, events, staticDir, logger: silentLogger });
  const host = `127.0.0.1:${bridge.port}`;
  return {
    bridge,
    bus,
    calls,
    activeSubscriptions: () => active,
    host,
    origin: `http://${host}`,
    dispose: async () => {
      await bridge.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

/**
 * node:http rather than fetch: fetch forbids setting Host, and these tests
 * need to send foreign Host and Origin headers and raw, unnormalised paths.
 */
export function rawRequest(
  port: number,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as unknown,
          });
        });
        res.on('error', reject);
      },
    );
    // An oversized upload may be cut off once the answer is sent; the answer is what counts.
    req.on('error', (error) => reject(error));
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}
