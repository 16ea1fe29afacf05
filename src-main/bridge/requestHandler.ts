import { createReadStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  HTTP_CALL_PREFIX,
  HTTP_EVENTS_PATH,
  HTTP_EXPORTS_PREFIX,
  HTTP_PAGE_PREFIX,
  HTTP_TOKEN_HEADER,
  type WireResult,
} from '@shared/contract';
import type { Logger } from '@shared/log/logger';
import type { EventBus } from '../core/rpc/eventBus';
import type { Dispatch } from '../core/rpc/dispatcher';
import { openEventStream } from './eventStream';
import { BodyTooLargeError, parseJsonBody, readBody } from './requestBody';
import { applySecurityHeaders, failure, sendJson } from './responses';
import { lookupStaticFile } from './staticFiles';
import { tokensEqual } from './token';

export interface RequestHandlerContext {
  readonly dispatch: Dispatch;
  readonly events: Pick<EventBus, 'onAny'>;
  readonly logger: Logger;
  /** Real path of the static root (symlinks resolved). */
  readonly staticRoot: string;
  readonly token: string;
  /** "127.0.0.1:<port>": the only Host header accepted. */
  readonly expectedHost: string;
  readonly maxBodyBytes: number;
  readonly pingIntervalMs: number;
  readonly maxEventBufferBytes: number;
  /** Open event streams; the bridge ends them when it closes. */
  readonly streams: Set<() => void>;
  /** The core's exports folder (audit reports); downloads come only from here. */
  readonly exportsDir?: string;
}

/** Export files have generated names: no separators, no leading dot. */
const EXPORT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

const ALLOWED_METHODS = 'GET, POST';

/** The page token travels in the path; it must never reach a log line. */
function pathForLog(pathname: string): string {
  const shown = pathname.startsWith(HTTP_PAGE_PREFIX)
    ? pathname.replace(/^\/t\/[^/]*/, `${HTTP_PAGE_PREFIX}<token>`)
    : pathname;
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

function splitTarget(target: string): { pathname: string; search: string } {
  const end = target.search(/[?#]/);
  return end === -1
    ? { pathname: target, search: '' }
    : { pathname: target.slice(0, end), search: target.slice(end) };
}

/**
 * Every request passes the same gate, in order: the request target is a path,
 * the Host header is exactly the literal address served (DNS rebinding: a
 * hostile page whose name now points at 127.0.0.1 still sends its own name),
 * an Origin, when present, is exactly this origin (cross-site requests), the
 * method is GET or POST, and the token matches (in the path for the page and
 * its assets, in the x-sluice-token header for the API). Refusals are 403 with
 * a DENIED WireResult so the renderer's client reads them like any result.
 */
export function createRequestHandler(
  context: RequestHandlerContext,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const expectedOrigin = `http://${context.expectedHost}`;

  const deny = (req: IncomingMessage, res: ServerResponse, pathname: string, reason: string) => {
    context.logger.warn('bridge refused a request', {
      method: req.method,
      path: pathForLog(pathname),
      reason,
    });
    sendJson(res, 403, failure('DENIED', reason));
  };

  const methodNotAllowed = (req: IncomingMessage, res: ServerResponse) => {
    sendJson(
      res,
      405,
      failure('INVALID_INPUT', `method ${req.method ?? '?'} is not allowed here`),
      {
        Allow: ALLOWED_METHODS,
      },
    );
  };

  const servePage = async (res: ServerResponse, pathname: string, rest: string) => {
    const found = await lookupStaticFile(context.staticRoot, rest);
    if (found.kind === 'outside') {
      context.logger.warn('bridge refused a path outside the page directory', {
        path: pathForLog(pathname),
      });
      sendJson(res, 403, failure('DENIED', 'the path leaves the page directory'));
      return;
    }
    if (found.kind === 'missing') {
      sendJson(res, 404, failure('NOT_FOUND', 'no such file'));
      return;
    }
    res.writeHead(200, {
      'Content-Type': found.contentType,
      'Content-Length': String(found.size),
    });
    const stream = createReadStream(found.path);
    stream.once('error', (error) => {
      context.logger.error('reading a page file failed', { path: pathForLog(pathname), error });
      res.destroy();
    });
    stream.pipe(res);
  };

  const serveExport = async (res: ServerResponse, pathname: string) => {
    let name: string;
    try {
      name = decodeURIComponent(pathname.slice(HTTP_EXPORTS_PREFIX.length));
    } catch {
      name = '';
    }
    if (!EXPORT_FILE_NAME.test(name) || !context.exportsDir) {
      sendJson(res, 404, failure('NOT_FOUND', 'no such export'));
      return;
    }
    const root = await realpath(context.exportsDir).catch(() => null);
    const found =
      root === null ? ({ kind: 'missing' } as const) : await lookupStaticFile(root, name);
    if (found.kind !== 'file') {
      sendJson(res, 404, failure('NOT_FOUND', 'no such export'));
      return;
    }
    res.writeHead(200, {
      'Content-Type': found.contentType,
      'Content-Length': String(found.size),
      'Content-Disposition': `attachment; filename="${name}"`,
    });
    const stream = createReadStream(found.path);
    stream.once('error', (error) => {
      context.logger.error('reading an export failed', { error });
      res.destroy();
    });
    stream.pipe(res);
  };

  const handleCall = async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    let channel: string;
    try {
      channel = decodeURIComponent(pathname.slice(HTTP_CALL_PREFIX.length));
    } catch {
      sendJson(
        res,
        200,
        failure('INVALID_INPUT', 'the channel name is not valid percent-encoding'),
      );
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, context.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(
          res,
          413,
          failure('INVALID_INPUT', error.message, { limitBytes: error.limitBytes }),
          {
            Connection: 'close',
          },
        );
      } else {
        res.destroy();
      }
      return;
    }
    const parsed = parseJsonBody(body);
    if (!parsed.ok) {
      sendJson(res, 200, failure('INVALID_INPUT', parsed.message, parsed.details));
      return;
    }
    let result: WireResult;
    try {
      result = await context.dispatch(channel, parsed.value, { transport: 'http' });
    } catch (error) {
      // The dispatcher turns handler errors into data; reaching this is a bug there.
      context.logger.error('dispatch threw instead of returning a result', { channel, error });
      result = failure('INTERNAL', `internal error in ${channel.slice(0, 100)}`);
    }
    if (res.destroyed) return;
    sendJson(res, 200, result);
  };

  return async (req, res) => {
    applySecurityHeaders(res);
    const target = req.url ?? '';
    const { pathname, search } = splitTarget(target);
    if (!target.startsWith('/')) {
      deny(req, res, '', 'the request target must be a path');
      return;
    }
    const host = req.headers.host;
    if (host !== context.expectedHost) {
      deny(req, res, pathname, `Host header "${String(host ?? '')}" is not this bridge's address`);
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== expectedOrigin) {
      deny(req, res, pathname, `Origin "${origin}" is not allowed`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      methodNotAllowed(req, res);
      return;
    }

    if (pathname.startsWith(HTTP_PAGE_PREFIX)) {
      const rest = pathname.slice(HTTP_PAGE_PREFIX.length);
      const slash = rest.indexOf('/');
      const rawToken = slash === -1 ? rest : rest.slice(0, slash);
      let presented: string | null;
      try {
        presented = decodeURIComponent(rawToken);
      } catch {
        presented = null;
      }
      if (!tokensEqual(context.token, presented)) {
        deny(req, res, pathname, 'missing or wrong token');
        return;
      }
      if (req.method !== 'GET') {
        methodNotAllowed(req, res);
        return;
      }
      if (slash === -1) {
        // Relative asset URLs need the trailing slash to resolve under /t/<token>/.
        res.writeHead(302, { Location: `${HTTP_PAGE_PREFIX}${rawToken}/${search}` });
        res.end();
        return;
      }
      await servePage(res, pathname, rest.slice(slash + 1));
      return;
    }

    if (!pathname.startsWith('/api/')) {
      deny(req, res, pathname, 'open the page URL that includes the token');
      return;
    }
    const headerToken = req.headers[HTTP_TOKEN_HEADER];
    if (!tokensEqual(context.token, typeof headerToken === 'string' ? headerToken : null)) {
      deny(req, res, pathname, `missing or wrong ${HTTP_TOKEN_HEADER} header`);
      return;
    }
    if (pathname === HTTP_EVENTS_PATH) {
      if (req.method !== 'GET') {
        methodNotAllowed(req, res);
        return;
      }
      const end = openEventStream(req, res, {
        events: context.events,
        logger: context.logger,
        pingIntervalMs: context.pingIntervalMs,
        maxBufferedBytes: context.maxEventBufferBytes,
      });
      context.streams.add(end);
      res.once('close', () => context.streams.delete(end));
      return;
    }
    if (pathname.startsWith(HTTP_EXPORTS_PREFIX)) {
      if (req.method !== 'GET') {
        methodNotAllowed(req, res);
        return;
      }
      await serveExport(res, pathname);
      return;
    }
    if (pathname.startsWith(HTTP_CALL_PREFIX)) {
      if (req.method !== 'POST') {
        methodNotAllowed(req, res);
        return;
      }
      await handleCall(req, res, pathname);
      return;
    }
    sendJson(res, 404, failure('NOT_FOUND', 'no such API path'));
  };
}
