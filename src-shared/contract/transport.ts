/**
 * Wire names derived from contract names. Nothing else spells an IPC channel
 * or an HTTP path.
 */
import type { EventName } from './events';

export const IPC_INVOKE_PREFIX = 'sluice:invoke:';
export const IPC_EVENT_PREFIX = 'sluice:event:';

export function ipcInvokeChannel(channel: string): string {
  return `${IPC_INVOKE_PREFIX}${channel}`;
}

export function ipcEventChannel(event: EventName): string {
  return `${IPC_EVENT_PREFIX}${event}`;
}

/** Browser mode: the page lives under /t/<token>/, calls go to /api/call/<channel>. */
export const HTTP_TOKEN_HEADER = 'x-sluice-token';
export const HTTP_PAGE_PREFIX = '/t/';
export const HTTP_CALL_PREFIX = '/api/call/';
export const HTTP_EVENTS_PATH = '/api/events';

export function httpCallPath(channel: string): string {
  return `${HTTP_CALL_PREFIX}${encodeURIComponent(channel)}`;
}

/** Browser mode: files the core wrote into its exports folder, fetched with the token header. */
export const HTTP_EXPORTS_PREFIX = '/api/exports/';

export function httpExportPath(fileName: string): string {
  return `${HTTP_EXPORTS_PREFIX}${encodeURIComponent(fileName)}`;
}
