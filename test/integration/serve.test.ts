import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_TOKEN_HEADER, appInfoSchema } from '@shared/contract';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const INDEX_HTML = '<!doctype html><title>Sluice under test</title>';
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const START_TIMEOUT_MS = 60_000;

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Running[] = [];

/**
 * The tsx that `npx tsx` resolves to, started directly. npm exec runs it
 * through `sh -c`, which does not pass SIGTERM on: npx itself exits 143 and
 * leaves the server running, so the exit status under test would be npm's.
 * tsx relays signals to the script and exits with its code. Each run gets its
 * own process group so cleanup reaches the whole tree.
 */
function startServe(args: string[]): Running {
  const child = spawn(TSX, ['src-main/serve.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      err += `could not start ${TSX} (run npm ci): ${error.message}\n`;
      resolve({ code: null, signal: null });
    });
  });
  const running = { child, stdout: () => out, stderr: () => err, exited };
  started.push(running);
  return running;
}

async function waitForUrl(running: Running): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exitedEarly = false;
  void running.exited.then(() => (exitedEarly = true));
  while (Date.now() < deadline) {
    const match = /^SLUICE_URL=(\S+)$/m.exec(running.stdout());
    if (match?.[1]) return match[1];
    if (exitedEarly) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`serve printed no SLUICE_URL line; stderr:\n${running.stderr()}`);
}

function httpCall(
  url: URL,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('browser mode server (src-main/serve.ts)', () => {
  let base: string;
  let staticDir: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'sluice-serve-'));
    staticDir = join(base, 'static');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), INDEX_HTML);
  });

  afterEach(async () => {
    for (const running of started.splice(0)) {
      if (
        running.child.exitCode === null &&
        running.child.signalCode === null &&
        running.child.pid
      ) {
        try {
          process.kill(-running.child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  });

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('serves the core to the token holder only, and stops cleanly on SIGTERM', async () => {
    const dataDir = join(base, 'data');
    const running = startServe(['--port', '0', '--data-dir', dataDir, '--static-dir', staticDir]);
    const pageUrl = new URL(await waitForUrl(running));
    expect(pageUrl.href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{43}\/$/);
    expect(running.stdout().trim().split('\n')).toHaveLength(1);
    const token = pageUrl.pathname.split('/')[2] ?? '';

    const page = await httpCall(pageUrl, pageUrl.pathname, { headers: { host: pageUrl.host } });
    expect(page.status).toBe(200);
    expect(page.body).toBe(INDEX_HTML);

    const info = await httpCall(pageUrl, '/api/call/app.info', {
      method: 'POST',
      headers: {
        host: pageUrl.host,
        origin: pageUrl.origin,
        'content-type': 'application/json',
        [HTTP_TOKEN_HEADER]: token,
      },
      body: '{}',
    });
    expect(info.status).toBe(200);
    const result = JSON.parse(info.body) as { ok: boolean; value: unknown };
    expect(result.ok).toBe(true);
    const appInfo = appInfoSchema.parse(result.value);
    expect(appInfo.mode).toBe('browser');
    expect(appInfo.dataDir).toBe(dataDir);

    const refused = await httpCall(pageUrl, '/api/call/app.info', {
      method: 'POST',
      headers: { host: pageUrl.host, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ ok: false, error: { code: 'DENIED' } });

    running.child.kill('SIGTERM');
    const exit = await running.exited;
    expect(exit, running.stderr()).toEqual({ code: 0, signal: null });
    // The URL is shown to the operator once; the JSON log lines never carry the token.
    const logLines = running
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toContain(token);
  });

  it('stops cleanly on SIGINT (Ctrl+C)', async () => {
    const running = startServe(['--data-dir', join(base, 'data-int'), '--static-dir', staticDir]);
    await waitForUrl(running);
    running.child.kill('SIGINT');
    expect(await running.exited, running.stderr()).toEqual({ code: 0, signal: null });
  });

  it('refuses --host 0.0.0.0 with exit code 2 and says why', async () => {
    const running = startServe([
      '--host',
      '0.0.0.0',
      '--data-dir',
      join(base, 'data-host'),
      '--static-dir',
      staticDir,
    ]);
    const exit = await running.exited;
    expect(exit.code).toBe(2);
    expect(running.stderr()).toContain('refusing to listen on "0.0.0.0"');
    expect(running.stdout()).not.toContain('SLUICE_URL=');
  });

  it('exits 2 asking for a build when the static directory has no index.html', async () => {
    const running = startServe([
      '--data-dir',
      join(base, 'data-nobuild'),
      '--static-dir',
      join(base, 'empty'),
    ]);
    const exit = await running.exited;
    expect(exit.code).toBe(2);
    expect(running.stderr()).toContain('run npm run build first');
  });

  it('exits 1 with the store message when the database file is not a database', async () => {
    const dataDir = join(base, 'data-corrupt');
    await mkdir(dataDir);
    await writeFile(
      join(dataDir, 'sluice.db'),
      'this is not an SQLite database, just text. '.repeat(200),
    );
    const running = startServe(['--data-dir', dataDir, '--static-dir', staticDir]);
    const exit = await running.exited;
    expect(exit.code).toBe(1);
    expect(running.stderr()).toContain(join(dataDir, 'sluice.db'));
    expect(running.stdout()).not.toContain('SLUICE_URL=');
  });
});
