import type { Session, WebContents } from 'electron';
import type { Logger } from '@shared/log/logger';
import { isAppUrl, isExternalWebUrl, type AppPage } from './appPage';
import { CONTENT_SECURITY_POLICY } from './csp';

export interface WebContentsHardening {
  page: AppPage;
  /** shell.openExternal in the app; a recorder in tests. */
  openExternal(url: string): Promise<void>;
  logger: Logger;
}

/** Enough of a URL to say where it pointed without logging its query (tokens live there). */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' ? 'file:' : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'unparseable URL';
  }
}

/**
 * Applied to every web contents the app creates (app 'web-contents-created'):
 * the page may only navigate within itself, never opens windows (web links
 * go to the system browser, other schemes nowhere) and never embeds a
 * <webview>. A renderer compromised by a hostile payload therefore cannot
 * swap the page that holds window.sluice for one it controls.
 */
export function hardenWebContents(contents: WebContents, deps: WebContentsHardening): void {
  const refuseForeign = (event: { url: string; preventDefault(): void }, kind: string): void => {
    if (isAppUrl(event.url, deps.page)) return;
    event.preventDefault();
    deps.logger.warn('blocked navigation away from the app', {
      kind,
      target: describeUrl(event.url),
    });
  };
  contents.on('will-navigate', (event) => refuseForeign(event, 'will-navigate'));
  contents.on('will-frame-navigate', (event) => refuseForeign(event, 'will-frame-navigate'));
  contents.on('will-redirect', (event) => refuseForeign(event, 'will-redirect'));

  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) {
      const target = new URL(url).href;
      deps.openExternal(target).catch((error: unknown) => {
        deps.logger.warn('could not open link in the system browser', {
          target: describeUrl(target),
          error,
        });
      });
    } else {
      deps.logger.warn('refused to open a window', { target: describeUrl(url) });
    }
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    deps.logger.warn('refused to attach a webview');
  });
}

/**
 * The one permission granted: writing text to the clipboard (copy buttons
 * for payloads and ids), and only to the app's own page. Reading the
 * clipboard, notifications, media, geolocation, devices, everything else:
 * denied.
 */
export const GRANTED_PERMISSION = 'clipboard-sanitized-write';

function isGranted(permission: string, pageUrl: string | undefined, page: AppPage): boolean {
  return permission === GRANTED_PERMISSION && pageUrl !== undefined && isAppUrl(pageUrl, page);
}

function currentUrl(contents: WebContents | null | undefined): string | undefined {
  try {
    return contents && !contents.isDestroyed() ? contents.getURL() : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces any Content-Security-Policy the server sent (header names are case-insensitive). */
export function withContentSecurityPolicy(
  headers: Record<string, string[]> | undefined,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  }
  result['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return result;
}

export interface SessionHardening {
  page: AppPage;
  logger: Logger;
}

/**
 * Session-wide rules: permission requests and checks denied (see
 * GRANTED_PERMISSION), device access denied, and in development the CSP
 * header added to dev-server responses so the dev build runs under the same
 * policy as the file:// build (whose index.html carries it in a meta tag).
 */
export function hardenSession(session: Session, deps: SessionHardening): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    const granted = isGranted(permission, currentUrl(contents), deps.page);
    if (!granted) deps.logger.info('denied a permission request', { permission });
    callback(granted);
  });
  session.setPermissionCheckHandler((contents, permission) =>
    isGranted(permission, currentUrl(contents), deps.page),
  );
  session.setDevicePermissionHandler(() => false);

  if (deps.page.kind === 'dev') {
    session.webRequest.onHeadersReceived(
      { urls: [`${deps.page.origin}/*`] },
      (details, callback) => {
        callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
      },
    );
  }
}
