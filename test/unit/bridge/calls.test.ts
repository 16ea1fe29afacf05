import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_TOKEN_HEADER, httpCallPath, type WireResult } from '@shared/contract';
import { rawRequest, startTestBridge, type TestBridge } from './harness';

describe('bridge calls', () => {
  let t: TestBridge | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  const post = (bridge: TestBridge, path: string, body?: string | Buffer) =>
    rawRequest(bridge.bridge.port, {
      method: 'POST',
      path,
      headers: { [HTTP_TOKEN_HEADER]: bridge.bridge.token, 'content-type': 'application/json' },
      body,
    });

  it('hands channel, parsed input and transport "http" to the dispatch function', async () => {
    t = await startTestBridge();
    const input = { name: 'staging', nested: { list: [1, 2, 3] } };
    const response = await post(t, httpCallPath('environments.create'), JSON.stringify(input));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.json()).toEqual({ ok: true, value: { channel: 'environments.create', input } });
    expect(t.calls).toEqual([
      { channel: 'environments.create', input, ctx: { transport: 'http' } },
    ]);
  });

  it('treats an empty body as {}', async () => {
    t = await startTestBridge();
    await post(t, '/api/call/app.info');
    await post(t, '/api/call/app.info', '  \n');
    expect(t.calls.map((c) => c.input)).toEqual([{}, {}]);
  });

  it('percent-decodes the channel name', async () => {
    t = await startTestBridge();
    await post(t, '/api/call/settings%2Eget', '{}');
    expect(t.calls[0]?.channel).toBe('settings.get');
  });

  it('returns failures from dispatch as they are, with status 200', async () => {
    const refusal: WireResult = {
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'unknown channel "nope"' },
    };
    t = await startTestBridge({ dispatch: async () => refusal });
    const response = await post(t, '/api/call/nope', '{}');
    expect(response.status).toBe(200);
    expect(response.json()).toEqual(refusal);
  });

  it('turns a dispatch that throws into an INTERNAL result without its message', async () => {
    t = await startTestBridge({
      dispatch: async () => {
        throw new Error('postgres://admin:hunter2@db/prod is down');
      },
    });
    const response = await post(t, '/api/call/app.info', '{}');
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(response.body).not.toContain('hunter2');
  });

  it('answers malformed JSON with INVALID_INPUT naming line, column and position', async () => {
    t = await startTestBridge();
    const response = await post(t, '/api/call/app.info', '{\n  "a": 1,\n  "b": }');
    expect(response.status).toBe(200);
    const body = response.json() as {
      ok: false;
      error: { code: string; message: string; details: unknown };
    };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.message).toContain('line 3, column 8');
    expect(body.error.message).toContain('position 19');
    expect(body.error.details).toEqual({ line: 3, column: 8, position: 19 });
    expect(t.calls).toHaveLength(0);
  });

  it('answers a body that is not UTF-8 with INVALID_INPUT', async () => {
    t = await startTestBridge();
    const response = await post(t, '/api/call/app.info', Buffer.from([0x7b, 0xff, 0x7d]));
    expect(response.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(t.calls).toHaveLength(0);
  });

  it('refuses a body over the limit with 413 and INVALID_INPUT, by declared length', async () => {
    t = await startTestBridge({ maxBodyBytes: 1024 });
    const response = await post(
      t,
      '/api/call/app.info',
      JSON.stringify({ blob: 'x'.repeat(4096) }),
    );
    expect(response.status).toBe(413);
    expect(response.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(t.calls).toHaveLength(0);
  });

  it('accepts a body exactly at the limit', async () => {
    t = await startTestBridge({ maxBodyBytes: 1024 });
    const body = JSON.stringify({ blob: 'x'.repeat(1024 - 11) });
    expect(Buffer.byteLength(body)).toBe(1024);
    const response = await post(t, '/api/call/app.info', body);
    expect(response.status).toBe(200);
    expect(t.calls).toHaveLength(1);
  });

  it('refuses a chunked body once the bytes received pass the limit', async () => {
    t = await startTestBridge({ maxBodyBytes: 1024 });
    const { request } = await import('node:http');
    const port = t.bridge.port;
    const token = t.bridge.token;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/call/app.info',
          headers: { host: `127.0.0.1:${port}`, [HTTP_TOKEN_HEADER]: token },
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      // No Content-Length: node sends Transfer-Encoding: chunked.
      for (let i = 0; i < 8; i += 1) req.write('x'.repeat(512));
      req.end();
    });
    expect(status).toBe(413);
    expect(t.calls).toHaveLength(0);
  });

  it('refuses the default 20 MB limit plus one byte', async () => {
    t = await startTestBridge();
    const body = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
    const response = await post(t, '/api/call/app.info', body);
    expect(response.status).toBe(413);
  });
});
