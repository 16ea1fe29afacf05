import type { ChannelName, EventName, SluiceBridge, WireResult } from '@shared/contract';
import { SluiceError, wireResultSchema } from '@shared/contract/errors';
import {
  HTTP_EVENTS_PATH,
  HTTP_PAGE_PREFIX,
  HTTP_TOKEN_HEADER,
  httpCallPath,
  httpExportPath,
} from '@shared/contract/transport';
import { EventStream } from './eventStream';

/**
 * Generous: a connection test against a dead broker may take the core several
 * seconds to give up on, and a call must never hang the page forever either.
 */
const CALL_TIMEOUT_MS = 120_000;

/** The token is the first path segment after /t/ in the page's own URL. */
export function tokenFromPathname(pathname: string): string | null {
  if (!pathname.startsWith(HTTP_PAGE_PREFIX)) return null;
  const rest = pathname.slice(HTTP_PAGE_PREFIX.length);
  const end = rest.indexOf('/');
  const raw = end === -1 ? rest : rest.slice(0, end);
  if (raw === '') return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function failure(code: 'UNAVAILABLE' | 'TIMEOUT' | 'INTERNAL', message: string): WireResult {
  return { ok: false, error: { code, message } };
}

/**
 * Browser mode: the same calls as window.sluice, over the loopback HTTP bridge.
 * Every call carries the page token in a header; the answer is always a
 * WireResult, including refusals (HTTP 403 carries a DENIED result).
 */
export class HttpBridge implements SluiceBridge {
  readonly transport = 'http' as const;
  private readonly events: EventStream;

  constructor(private readonly token: string) {
    this.events = new EventStream(HTTP_EVENTS_PATH, { [HTTP_TOKEN_HEADER]: token });
  }

  async invoke(channel: ChannelName, input: unknown): Promise<WireResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), CALL_TIMEOUT_MS);
    try {
      let response: Response;
      try {
        response = await fetch(httpCallPath(channel), {
          method: 'POST',
          headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: this.token },
          body: JSON.stringify(input === undefined ? {} : input),
          signal: controller.signal,
          cache: 'no-store',
          credentials: 'omit',
        });
      } catch {
        return controller.signal.aborted
          ? failure('TIMEOUT', `${channel} got no answer within ${CALL_TIMEOUT_MS / 1000} s`)
          : failure(
              'UNAVAILABLE',
              'cannot reach the Sluice core (is `npm run serve` still running?)',
            );
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return controller.signal.aborted
          ? failure('TIMEOUT', `${channel} got no answer within ${CALL_TIMEOUT_MS / 1000} s`)
          : failure('UNAVAILABLE', `the core answered HTTP ${response.status} without a result`);
      }
      const parsed = wireResultSchema.safeParse(body);
      if (!parsed.success) {
        return failure(
          'INTERNAL',
          `the core answered HTTP ${response.status} with a malformed result`,
        );
      }
      return parsed.data as WireResult;
    } finally {
      clearTimeout(timer);
    }
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    return this.events.subscribe(event, listener);
  }

  /** Called after the event stream came back from an interruption: events may have been missed. */
  onReconnect(listener: () => void): () => void {
    return this.events.onReconnect(listener);
  }
}

/**
 * Browser mode: fetches a file the core wrote into its exports folder (with
 * the token header, like every call) and hands it to the browser as a
 * download. The file never passes through a URL a page could guess.
 */
export async function downloadExportFile(fileName: string): Promise<void> {
  const token = tokenFromPathname(window.location.pathname);
  if (token === null)
    throw new SluiceError('UNAVAILABLE', 'this page was not opened from a bridge URL');
  const response = await fetch(httpExportPath(fileName), {
    headers: { [HTTP_TOKEN_HEADER]: token },
  });
  if (!response.ok) {
    throw new SluiceError(
      response.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE',
      `downloading ${fileName} failed: HTTP ${response.status}`,
    );
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
