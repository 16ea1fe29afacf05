import { describe, expect, it } from 'vitest';
import { isAppUrl, isExternalWebUrl, resolveAppPage } from '../../../src-main/shell/appPage';

const INDEX = '/opt/Sluice app/out/renderer/index.html';

describe('resolveAppPage', () => {
  it('uses the built index.html when there is no dev server', () => {
    const page = resolveAppPage({
      devServerUrl: undefined,
      isPackaged: false,
      rendererIndexPath: INDEX,
    });
    expect(page).toEqual({
      kind: 'file',
      url: 'file:///opt/Sluice%20app/out/renderer/index.html',
      path: '/opt/Sluice%20app/out/renderer/index.html',
    });
  });

  it('uses the dev server in an unpackaged app', () => {
    const page = resolveAppPage({
      devServerUrl: 'http://localhost:5173',
      isPackaged: false,
      rendererIndexPath: INDEX,
    });
    expect(page).toEqual({
      kind: 'dev',
      url: 'http://localhost:5173/',
      origin: 'http://localhost:5173',
    });
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app', () => {
    const page = resolveAppPage({
      devServerUrl: 'http://localhost:5173',
      isPackaged: true,
      rendererIndexPath: INDEX,
    });
    expect(page.kind).toBe('file');
  });

  it.each([
    'https://evil.example:5173/',
    'file:///tmp/x.html',
    'http://10.0.0.5:5173/',
    'nonsense',
  ])('refuses a dev server URL that is not http(s) on loopback: %s', (devServerUrl) => {
    expect(() =>
      resolveAppPage({ devServerUrl, isPackaged: false, rendererIndexPath: INDEX }),
    ).toThrow(/ELECTRON_RENDERER_URL/);
  });
});

describe('isAppUrl', () => {
  const page = resolveAppPage({
    devServerUrl: undefined,
    isPackaged: true,
    rendererIndexPath: INDEX,
  });

  it.each([
    'file:///opt/Sluice%20app/out/renderer/index.html',
    'file:///opt/Sluice%20app/out/renderer/index.html#/dlq/3',
    'file:///opt/Sluice%20app/out/renderer/index.html?x=1',
  ])('accepts %s', (url) => expect(isAppUrl(url, page)).toBe(true));

  it.each([
    'file:///opt/Sluice%20app/out/renderer/index.htm',
    'file:///opt/Sluice%20app/out/renderer/',
    'file:///opt/Sluice%20app/out/renderer/index.html/..%2F..%2Fevil.html',
    'file://remote-host/opt/Sluice%20app/out/renderer/index.html',
    'https://opt/Sluice%20app/out/renderer/index.html',
    '',
    'index.html',
  ])('refuses %s', (url) => expect(isAppUrl(url, page)).toBe(false));
});

describe('isExternalWebUrl', () => {
  it.each(['https://example.com', 'http://127.0.0.1:8080/x?y#z', 'HTTPS://EXAMPLE.COM/'])(
    'accepts %s',
    (url) => expect(isExternalWebUrl(url)).toBe(true),
  );
  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'vbscript:x',
    'data:text/plain,x',
    'ftp://example.com/',
    'ssh://host',
    'custom-scheme://x',
    `https://example.com/${'a'.repeat(5000)}`,
  ])('refuses %s', (url) => expect(isExternalWebUrl(url)).toBe(false));
});
