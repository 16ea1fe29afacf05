import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { HTTP_PAGE_PREFIX } from '@shared/contract';
import type { Logger } from '@shared/log/logger';
import type { EventBus } from '../core/rpc/eventBus';
import type { Dispatch } from '../core/rpc/dispatcher';
import { resolveLoopbackHost } from './loopback';
import { createRequestHandler } from './requestHandler';
import { failure, sendJson } from './responses';
import { assertUsableToken, generateToken } from './token';

export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
export const DEFAULT_PING_INTERVAL_MS = 15_000;
const MAX_EVENT_BUFFER_BYTES = 8 * 1024 * 1024;
/** In-flight calls get this long to finish when the bridge closes. */
const CLOSE_GRACE_MS = 5_000;

export interface BridgeOptions {
  readonly dispatch: Dispatch;
  readonly events: Pick<EventBus, 'onAny'>;
  /** The built renderer: index.html and its assets. */
  readonly staticDir: string;
  /** A loopback address; anything else throws NonLoopbackAddressError. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Normally generated; at least 32 base64url characters when given. */
  readonly token?: string;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  readonly pingIntervalMs?: number;
  /** The core's exports folder, served for download under /api/exports/. */
  readonly exportsDir?: string;
}

export interface Bridge {
  /** The page URL to open: http://127.0.0.1:<port>/t/<token>/ */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

async function resolveStaticRoot(staticDir: string): Promise<string> {
  const root = await realpath(resolve(staticDir)).catch(() => {
    throw new Error(`static directory ${staticDir} does not exist`);
  });
  if (!(await stat(root)).isDirectory()) {
    throw new Error(`static directory ${staticDir} is not a directory`);
  }
  return root;
}

/**
 * Serves the core to a browser on a loopback address: the page under
 * /t/<token>/, calls at POST /api/call/<channel>, events at GET /api/events.
 * node:http only. See requestHandler.ts for the checks every request passes.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const address = resolveLoopbackHost(options.host ?? '127.0.0.1');
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new Error(`port must be an integer from 0 to 65535, got ${requestedPort}`);
  }
  if (options.token !== undefined) assertUsableToken(options.token);
  const token = options.token ?? generateToken();
  const staticRoot = await resolveStaticRoot(options.staticDir);
  const { logger } = options;

  const server = createServer();
  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (error: Error): void => {
      rejectListen(
        new Error(`cannot listen on ${address.urlHost}:${requestedPort}: ${error.message}`),
      );
    };
    server.once('error', onError);
    server.listen({ host: address.bindAddress, port: requestedPort, exclusive: true }, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  server.on('error', (error) => logger.error('bridge server error', { error }));

  const port = (server.address() as AddressInfo).port;
  const origin = `http://${address.urlHost}:${port}`;
  const streams = new Set<() => void>();
  const handle = createRequestHandler({
    dispatch: options.dispatch,
    events: options.events,
    logger,
    staticRoot,
    token,
    expectedHost: `${address.urlHost}:${port}`,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    maxEventBufferBytes: MAX_EVENT_BUFFER_BYTES,
    streams,
    ...(options.exportsDir ? { exportsDir: options.exportsDir } : {}),
  });
  server.on('request', (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('bridge request failed', { error });
      if (!res.headersSent) sendJson(res, 500, failure('INTERNAL', 'internal error in the bridge'));
      else res.destroy();
    });
  });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolveClose) => {
      for (const end of streams) end();
      streams.clear();
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolveClose();
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return { url: `${origin}${HTTP_PAGE_PREFIX}${token}/`, port, token, close };
}
