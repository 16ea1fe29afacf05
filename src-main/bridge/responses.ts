import type { ServerResponse } from 'node:http';
import type { ErrorCode, WireResult } from '@shared/contract';
// The one policy shared with the Electron shell and the renderer's meta tag.
import { CONTENT_SECURITY_POLICY } from '../shell/csp';

export { CONTENT_SECURITY_POLICY };

/**
 * Set on every response, refusals included. Everything is no-store: the page
 * URL carries the token and API answers carry operational data, neither
 * belongs in a disk cache.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    status = 200;
    text = JSON.stringify(failure('INTERNAL', 'the result could not be serialised'));
  }
  const payload = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    ...extraHeaders,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(payload.length),
  });
  res.end(payload);
}

export function failure(code: ErrorCode, message: string, details?: unknown): WireResult {
  return details === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, details } };
}
