/**
 * Sluice in browser mode, driven from the outside: start `src-main/serve.ts`,
 * read the SLUICE_URL line it prints, and call channels through the HTTP
 * bridge the way the browser page does.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { HTTP_TOKEN_HEADER, httpCallPath } from '@shared/contract/transport';
import type { SandboxEnvironment } from './pipeline';

export interface SluiceServe {
  /** The page URL, token included. */
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  /** Resolves when the process exits, with its exit code or signal. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const CALL_TIMEOUT_MS = 15_000;

/** Starts browser mode on a free loopback port with `dataDir` as its store. */
export function startSluiceServe(projectRoot: string, dataDir: string): Promise<SluiceServe> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/serve.ts', '--port', '0', '--data-dir', dataDir],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`));
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(`Sluice did not print SLUICE_URL within ${START_TIMEOUT_MS / 1000} s: ${stderr}`),
      );
    }, START_TIMEOUT_MS);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`Sluice exited (${how}) before it was ready: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^SLUICE_URL=(\S+)$/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      const url = new URL(match[1]!);
      const token = /^\/t\/([^/]+)\//.exec(url.pathname)?.[1];
      if (!token) {
        void stop();
        reject(
          new Error(
            `SLUICE_URL has no token: ${url.origin}${url.pathname.replace(/[^/]+\/?$/, '…')}`,
          ),
        );
        return;
      }
      resolve({ url: url.href, origin: url.origin, token, child, exited, stop });
    });
  });
}

/** Calls one channel through the bridge; returns the value or throws with the error code and message. */
export async function callSluice(
  serve: Pick<SluiceServe, 'origin' | 'token'>,
  channel: string,
  input: unknown,
): Promise<unknown> {
  const response = await fetch(`${serve.origin}${httpCallPath(channel)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: serve.token },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const result = (await response.json()) as
    { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
  if (!result.ok)
    throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/**
 * Saves the sandbox as an environment. The sandbox's passwords are throwaway
 * ones for servers that live as long as the sandbox, so an unencrypted
 * secret store (Linux without a keyring) is accepted.
 */
export async function registerEnvironment(
  serve: Pick<SluiceServe, 'origin' | 'token'>,
  environment: SandboxEnvironment,
): Promise<{ id: string; name: string }> {
  const saved = (await callSluice(serve, 'environments.save', {
    environment,
    acceptUnencryptedSecrets: true,
  })) as { id: string; name: string };
  return saved;
}
