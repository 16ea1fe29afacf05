import type { SluiceApi } from '@shared/contract';
import { createSluiceApi } from './client';
import { HttpBridge, tokenFromPathname } from './httpBridge';

export interface Connection {
  api: SluiceApi;
  /** Only the HTTP bridge can lose its event stream and come back. */
  onReconnect: (listener: () => void) => () => void;
}

/**
 * Picks the bridge this page was opened with: the preload's window.sluice in
 * Electron, otherwise the HTTP bridge if the URL carries a token. Null when
 * neither is there (the page was opened some other way).
 */
export function connect(): Connection | null {
  if (window.sluice) {
    return { api: createSluiceApi(window.sluice), onReconnect: () => () => undefined };
  }
  const token = tokenFromPathname(window.location.pathname);
  if (token === null) return null;
  const bridge = new HttpBridge(token);
  return { api: createSluiceApi(bridge), onReconnect: (listener) => bridge.onReconnect(listener) };
}
