import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export type BodyResult =
  { ok: true; bytes: Buffer } | { ok: false; status: number; reason: string };

/**
 * Reads a request body up to `limit` bytes within `timeoutMs`. An oversized
 * body is refused as soon as it is known to be oversized (from
 * content-length, or while streaming), without buffering the rest.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  timeoutMs = 10_000,
): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve({
        ok: false,
        status: 400,
        reason: `body is ${declared} bytes, the limit is ${limit}`,
      });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, status: 408, reason: `body not received within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        finish({ ok: false, status: 400, reason: `body exceeds the limit of ${limit} bytes` });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ ok: true, bytes: Buffer.concat(chunks, size) }));
    req.once('error', (error) => finish({ ok: false, status: 400, reason: error.message }));
  });
}

/**
 * Answers an error for a request whose body was not read to the end. The
 * connection is closed after the answer so the unread bytes do not become the
 * next request.
 */
export function refuse(res: ServerResponse, status: number, reason: string): void {
  res.setHeader('connection', 'close');
  sendJson(res, status, { error: reason });
}

export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (typeof address !== 'object' || address === null) {
        reject(new Error('server has no address'));
        return;
      }
      resolve(`http://${host}:${address.port}`);
    });
  });
}

/** Stops accepting, drops idle keep-alive connections, and waits for the rest to finish. */
export function closeServer(server: Server, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
