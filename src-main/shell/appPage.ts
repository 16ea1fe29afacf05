import { pathToFileURL } from 'node:url';
import type { WebFrameMain } from 'electron';

/**
 * Where the renderer page lives. In production it is the built
 * out/renderer/index.html loaded from disk; in development electron-vite
 * serves it from a loopback dev server named by ELECTRON_RENDERER_URL.
 * Navigation checks and IPC sender checks both compare against this value.
 */
export type AppPage =
  | { readonly kind: 'file'; readonly url: string; readonly path: string }
  | { readonly kind: 'dev'; readonly url: string; readonly origin: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface ResolveAppPageOptions {
  /** process.env.ELECTRON_RENDERER_URL */
  devServerUrl: string | undefined;
  /** app.isPackaged: a packaged app never loads a page named by the environment. */
  isPackaged: boolean;
  /** Absolute path of the built out/renderer/index.html. */
  rendererIndexPath: string;
}

export function resolveAppPage(options: ResolveAppPageOptions): AppPage {
  const devUrl = options.devServerUrl?.trim();
  if (!options.isPackaged && devUrl) {
    let parsed: URL;
    try {
      parsed = new URL(devUrl);
    } catch {
      throw new Error(`ELECTRON_RENDERER_URL is not a URL: ${devUrl.slice(0, 200)}`);
    }
    // The dev server is trusted with IPC, so it must be on this machine.
    if (!['http:', 'https:'].includes(parsed.protocol) || !LOOPBACK_HOSTS.has(parsed.hostname)) {
      throw new Error(
        `ELECTRON_RENDERER_URL must be an http(s) loopback URL, got ${parsed.origin}`,
      );
    }
    return { kind: 'dev', url: parsed.href, origin: parsed.origin };
  }
  const fileUrl = pathToFileURL(options.rendererIndexPath);
  return { kind: 'file', url: fileUrl.href, path: fileUrl.pathname };
}

/**
 * True when url is the app's own page: the same file (any query or hash, so
 * hash routing works) or the same dev-server origin. Everything else,
 * including other file:// paths, is foreign.
 */
export function isAppUrl(url: string, page: AppPage): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (page.kind === 'file') {
    return parsed.protocol === 'file:' && parsed.host === '' && parsed.pathname === page.path;
  }
  return parsed.origin === page.origin;
}

/** The part of WebFrameMain the sender check reads. */
export type SenderFrame = Pick<WebFrameMain, 'url' | 'parent'>;

/**
 * An IPC call is trusted only from the top frame of the app's own page.
 * senderFrame is null when the frame navigated away or was destroyed before
 * the message was handled; reading a disposed frame can throw. Both mean
 * "not trusted".
 */
export function isTrustedFrame(frame: SenderFrame | null | undefined, page: AppPage): boolean {
  if (!frame) return false;
  try {
    return frame.parent === null && isAppUrl(frame.url, page);
  } catch {
    return false;
  }
}

/** Only web links leave the app, and only to the system browser. */
export function isExternalWebUrl(url: string): boolean {
  if (url.length > 4096) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}
