import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_TOKEN_HEADER } from '@shared/contract';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/bridge/responses';
import { rawRequest, startTestBridge, type TestBridge } from './harness';

const WRONG_TOKEN = 'A'.repeat(43);

function expectDenied(response: { status: number; json(): unknown }): void {
  expect(response.status).toBe(403);
  expect(response.json()).toMatchObject({ ok: false, error: { code: 'DENIED' } });
}

describe('bridge access control', () => {
  let t: TestBridge;
  beforeAll(async () => {
    t = await startTestBridge();
  });
  afterAll(async () => {
    await t.dispose();
  });

  const call = (headers: Record<string, string>) =>
    rawRequest(t.bridge.port, { method: 'POST', path: '/api/call/app.info', headers, body: '{}' });

  it('answers a call that carries the right token, Host and Origin', async () => {
    const response = await call({ [HTTP_TOKEN_HEADER]: t.bridge.token, origin: t.origin });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ ok: true, value: { channel: 'app.info', input: {} } });
  });

  it('refuses a call without a token', async () => {
    expectDenied(await call({}));
    expect(t.calls.filter((c) => c.channel === 'app.info')).toHaveLength(1);
  });

  it('refuses a call with a wrong token, including a prefix of the right one', async () => {
    expectDenied(await call({ [HTTP_TOKEN_HEADER]: WRONG_TOKEN }));
    expectDenied(await call({ [HTTP_TOKEN_HEADER]: t.bridge.token.slice(0, -1) }));
    expectDenied(await call({ [HTTP_TOKEN_HEADER]: `${t.bridge.token}x` }));
  });

  it('refuses a foreign Host even with the right token (DNS rebinding)', async () => {
    for (const host of [
      `evil.example:${t.bridge.port}`,
      `localhost:${t.bridge.port}`,
      '127.0.0.1',
      `127.0.0.1:${t.bridge.port + 1}`,
    ]) {
      expectDenied(await call({ [HTTP_TOKEN_HEADER]: t.bridge.token, host }));
    }
  });

  it('refuses a foreign Origin even with the right token', async () => {
    for (const origin of [
      'http://evil.example',
      `http://localhost:${t.bridge.port}`,
      `https://127.0.0.1:${t.bridge.port}`,
      'null',
    ]) {
      expectDenied(await call({ [HTTP_TOKEN_HEADER]: t.bridge.token, origin }));
    }
  });

  it('refuses the page with a wrong token and GET / with none', async () => {
    expectDenied(await rawRequest(t.bridge.port, { path: `/t/${WRONG_TOKEN}/` }));
    expectDenied(await rawRequest(t.bridge.port, { path: '/' }));
    expectDenied(await rawRequest(t.bridge.port, { path: '/index.html' }));
    expectDenied(await rawRequest(t.bridge.port, { path: '/t/' }));
  });

  it('refuses the page token sent as a header for the page, and the header token for /t/', async () => {
    expectDenied(
      await rawRequest(t.bridge.port, {
        path: '/t/x/',
        headers: { [HTTP_TOKEN_HEADER]: t.bridge.token },
      }),
    );
  });

  it('refuses an absolute-form request target', async () => {
    expectDenied(
      await rawRequest(t.bridge.port, {
        path: `http://127.0.0.1:${t.bridge.port}/t/${t.bridge.token}/`,
      }),
    );
  });

  it('answers methods other than GET and POST with 405', async () => {
    for (const method of ['PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const response = await rawRequest(t.bridge.port, {
        method,
        path: '/api/call/app.info',
        headers: { [HTTP_TOKEN_HEADER]: t.bridge.token },
      });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, POST');
    }
    const getCall = await rawRequest(t.bridge.port, {
      path: '/api/call/app.info',
      headers: { [HTTP_TOKEN_HEADER]: t.bridge.token },
    });
    expect(getCall.status).toBe(405);
  });

  it('sends the security headers on answers and refusals alike', async () => {
    const responses = [
      await call({ [HTTP_TOKEN_HEADER]: t.bridge.token }),
      await call({}),
      await rawRequest(t.bridge.port, { path: `/t/${t.bridge.token}/` }),
    ];
    for (const response of responses) {
      expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['cache-control']).toBe('no-store');
    }
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
        "form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('answers an unknown API path with the right token as 404', async () => {
    const response = await rawRequest(t.bridge.port, {
      path: '/api/nothing',
      headers: { [HTTP_TOKEN_HEADER]: t.bridge.token },
    });
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
