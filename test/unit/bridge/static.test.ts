import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_JS,
  INDEX_HTML,
  OUTSIDE_SECRET,
  rawRequest,
  startTestBridge,
  type TestBridge,
} from './harness';

describe('bridge page and assets', () => {
  let t: TestBridge;
  beforeAll(async () => {
    t = await startTestBridge();
  });
  afterAll(async () => {
    await t.dispose();
  });
  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(t.bridge.port, { path, headers });

  it('serves index.html at the page URL it reports', async () => {
    expect(t.bridge.url).toBe(`http://127.0.0.1:${t.bridge.port}/t/${t.bridge.token}/`);
    const response = await get(new URL(t.bridge.url).pathname);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toBe(INDEX_HTML);
  });

  it('serves the page to a same-origin request that sends Origin', async () => {
    const response = await get(`/t/${t.bridge.token}/`, { origin: t.origin });
    expect(response.status).toBe(200);
  });

  it('serves assets with their content types', async () => {
    const script = await get(`/t/${t.bridge.token}/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toBe(APP_JS);
    const style = await get(`/t/${t.bridge.token}/assets/style.css?v=1`);
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('redirects /t/<token> to /t/<token>/ so relative asset URLs resolve', async () => {
    const response = await get(`/t/${t.bridge.token}`);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`/t/${t.bridge.token}/`);
  });

  it('answers a missing file and a directory with 404', async () => {
    for (const path of ['assets/nope.js', 'assets', 'assets/app.js/x']) {
      const response = await get(`/t/${t.bridge.token}/${path}`);
      expect(response.status).toBe(404);
      expect(response.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
  });

  it('refuses every way out of the static directory', async () => {
    for (const path of [
      '../secret.txt',
      'assets/../../secret.txt',
      '%2e%2e/secret.txt',
      '..%2fsecret.txt',
      '%2e%2e%2fsecret.txt',
      'assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '..%5csecret.txt',
      'assets/link.txt',
      '%00',
    ]) {
      const response = await get(`/t/${t.bridge.token}/${path}`);
      expect(response.body, path).not.toContain(OUTSIDE_SECRET);
      expect([403, 404], path).toContain(response.status);
    }
    const escaped = await get(`/t/${t.bridge.token}/%2e%2e%2fsecret.txt`);
    expect(escaped.status).toBe(403);
    expect(escaped.json()).toMatchObject({ ok: false, error: { code: 'DENIED' } });
    const symlinked = await get(`/t/${t.bridge.token}/assets/link.txt`);
    expect(symlinked.status).toBe(403);
  });

  it('serves a path that goes up and comes back down inside the directory', async () => {
    const response = await get(`/t/${t.bridge.token}/assets/../assets/app.js`);
    expect(response.status).toBe(200);
    expect(response.body).toBe(APP_JS);
  });

  it('refuses POST to the page', async () => {
    const response = await rawRequest(t.bridge.port, {
      method: 'POST',
      path: `/t/${t.bridge.token}/`,
      body: '{}',
    });
    expect(response.status).toBe(405);
  });
});
