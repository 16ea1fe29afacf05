import { describe, expect, it, vi } from 'vitest';
import { resolveAppPage, type AppPage } from '../../../src-main/shell/appPage';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/shell/csp';
import {
  hardenSession,
  hardenWebContents,
  withContentSecurityPolicy,
} from '../../../src-main/shell/security';
import { FakeSession, FakeWebContents, navigationEvent, recordingLogger } from './fakes';

const INDEX = '/opt/sluice/out/renderer/index.html';
const filePage = resolveAppPage({
  devServerUrl: undefined,
  isPackaged: true,
  rendererIndexPath: INDEX,
});
const devPage = resolveAppPage({
  devServerUrl: 'http://localhost:5173/',
  isPackaged: false,
  rendererIndexPath: INDEX,
});

function hardened(page: AppPage, openExternal = vi.fn(() => Promise.resolve())) {
  const contents = new FakeWebContents();
  const { logger, lines } = recordingLogger();
  hardenWebContents(contents.asWebContents(), { page, openExternal, logger });
  return { contents, openExternal, lines };
}

const NAVIGATION_EVENTS = ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const;

describe('navigation', () => {
  it.each(NAVIGATION_EVENTS)('%s to a foreign URL is prevented', (name) => {
    const { contents } = hardened(filePage);
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'file:///opt/sluice/out/renderer/other.html',
      'javascript:alert(1)',
      'http://localhost:5173/',
      'not a url',
    ]) {
      const event = navigationEvent(url);
      contents.emit(name, event);
      expect(event.defaultPrevented, url).toBe(true);
    }
  });

  it.each(NAVIGATION_EVENTS)('%s within the app page is allowed', (name) => {
    const { contents } = hardened(filePage);
    for (const url of [
      `file://${INDEX}`,
      `file://${INDEX}#/environments`,
      `file://${INDEX}?view=audit`,
    ]) {
      const event = navigationEvent(url);
      contents.emit(name, event);
      expect(event.defaultPrevented, url).toBe(false);
    }
  });

  it('in development allows the dev-server origin and nothing else', () => {
    const { contents } = hardened(devPage);
    const same = navigationEvent('http://localhost:5173/src/main.tsx?t=1');
    const otherPort = navigationEvent('http://localhost:5174/');
    const file = navigationEvent(`file://${INDEX}`);
    for (const event of [same, otherPort, file]) contents.emit('will-navigate', event);
    expect([same, otherPort, file].map((e) => e.defaultPrevented)).toEqual([false, true, true]);
  });

  it('logs where a blocked navigation pointed without its query', () => {
    const { contents, lines } = hardened(filePage);
    contents.emit('will-navigate', navigationEvent('https://evil.example/steal?token=abc123'));
    expect(lines.join('\n')).toContain('https://evil.example');
    expect(lines.join('\n')).not.toContain('abc123');
  });

  it('refuses to attach a <webview>', () => {
    const { contents } = hardened(filePage);
    const event = navigationEvent('');
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('window.open', () => {
  it.each(['https://kafka.apache.org/documentation/', 'http://intranet.example:8080/runbook'])(
    'denies the window and hands %s to the system browser',
    async (url) => {
      const { contents, openExternal } = hardened(filePage);
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
      expect(openExternal).toHaveBeenCalledWith(new URL(url).href);
    },
  );

  it.each([
    'file:///etc/passwd',
    'javascript:alert(document.domain)',
    'data:text/html,<script>alert(1)</script>',
    'sluice://open',
    'ms-msdt:/id PCWDiagnostic',
    'smb://host/share',
    'mailto:ops@example.com',
    'about:blank',
    'https://',
    'not a url',
    `file://${INDEX}`,
  ])('denies %s and never opens it externally', (url) => {
    const { contents, openExternal } = hardened(filePage);
    expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('a failing openExternal is logged, not thrown', async () => {
    const openExternal = vi.fn(() => Promise.reject(new Error('no browser')));
    const { contents, lines } = hardened(filePage, openExternal);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({
      action: 'deny',
    });
    await vi.waitFor(() => expect(lines.join('\n')).toContain('could not open link'));
  });
});

describe('session', () => {
  function hardenedSession(page: AppPage) {
    const session = new FakeSession();
    const { logger } = recordingLogger();
    hardenSession(session.asSession(), { page, logger });
    return session;
  }

  function request(session: FakeSession, permission: string, pageUrl: string): boolean {
    const contents = new FakeWebContents();
    contents.url = pageUrl;
    let granted: boolean | undefined;
    session.requestHandler?.(contents, permission, (value) => (granted = value), {});
    if (granted === undefined) throw new Error('permission request handler never answered');
    return granted;
  }

  const appUrl = `file://${INDEX}`;
  const DENIED = [
    'media',
    'geolocation',
    'notifications',
    'openExternal',
    'clipboard-read',
    'display-capture',
    'fullscreen',
    'pointerLock',
    'hid',
    'serial',
    'usb',
    'midiSysex',
    'unknown',
  ];

  it.each(DENIED)('denies the %s permission request, even to the app page', (permission) => {
    const session = hardenedSession(filePage);
    expect(request(session, permission, appUrl)).toBe(false);
    const contents = new FakeWebContents();
    contents.url = appUrl;
    expect(session.checkHandler?.(contents, permission, 'file:///', {})).toBe(false);
  });

  it('grants only clipboard text writes, and only to the app page', () => {
    const session = hardenedSession(filePage);
    expect(request(session, 'clipboard-sanitized-write', appUrl)).toBe(true);
    expect(request(session, 'clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(session.checkHandler?.(null, 'clipboard-sanitized-write', 'file:///', {})).toBe(false);
    const destroyed = new FakeWebContents();
    destroyed.url = appUrl;
    destroyed.destroyed = true;
    expect(session.checkHandler?.(destroyed, 'clipboard-sanitized-write', 'file:///', {})).toBe(
      false,
    );
  });

  it('denies device access (HID, serial, USB)', () => {
    expect(hardenedSession(filePage).deviceHandler?.({ deviceType: 'usb' })).toBe(false);
  });

  it('adds the CSP header to dev-server responses, replacing any the server sent', () => {
    const session = hardenedSession(devPage);
    expect(session.headers?.filter.urls).toEqual(['http://localhost:5173/*']);
    let response: { responseHeaders?: Record<string, string | string[]> } | undefined;
    session.headers?.listener(
      {
        url: 'http://localhost:5173/',
        responseHeaders: {
          'content-type': ['text/html'],
          'content-security-policy': ['default-src *'],
        },
      },
      (value) => (response = value),
    );
    expect(response?.responseHeaders).toEqual({
      'content-type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });

  it('adds no header hook for the file:// build (its index.html carries the policy)', () => {
    expect(hardenedSession(filePage).headers).toBeUndefined();
  });

  it('withContentSecurityPolicy works without incoming headers', () => {
    expect(withContentSecurityPolicy(undefined)).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });
});
