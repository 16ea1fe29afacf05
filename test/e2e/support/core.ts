import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const URL_LINE = /^SLUICE_URL=(http:\/\/127\.0\.0\.1:\d+\/t\/[^/\s]+\/)\s*$/;

export interface RunningCore {
  /** The page URL, http://127.0.0.1:<port>/t/<token>/ */
  url: string;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited in time; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the core in browser mode (src-main/serve.ts) on a random port with
 * the given data directory and resolves once it prints its page URL. Node
 * loads TypeScript through tsx's loader in the same process, so SIGTERM
 * reaches the server itself rather than a wrapper.
 */
export async function startCore(dataDir: string): Promise<RunningCore> {
  const built = resolve(REPO_ROOT, 'out', 'renderer', 'index.html');
  if (!existsSync(built)) {
    throw new Error(
      `${built} is missing: run \`npx electron-vite build\` first (npm run test:e2e does)`,
    );
  }
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/serve.ts', '--port', '0', '--data-dir', dataDir],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
  );
  const chunks: string[] = [];
  const output = () => chunks.join('').slice(-8000);
  child.stderr!.setEncoding('utf8').on('data', (text: string) => chunks.push(text));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `serve.ts printed no SLUICE_URL within ${START_TIMEOUT_MS / 1000} s:\n${output()}`,
        ),
      );
    }, START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      chunks.push(`${line}\n`);
      const match = URL_LINE.exec(line);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start serve.ts: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `serve.ts exited (code ${code}, signal ${signal}) before it was ready:\n${output()}`,
        ),
      );
    });
  });

  return { url, output, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => resolveExit(code)),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
