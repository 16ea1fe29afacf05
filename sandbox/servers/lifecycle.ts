import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { MissingBinaryError } from './errors';

/** Throws MissingBinaryError unless the file exists and is executable. */
export function requireExecutable(path: string, debianPackage: string): string {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    throw new MissingBinaryError(path, debianPackage);
  }
}

/** The first executable called `name` on PATH (plus the usual sbin dirs), or MissingBinaryError. */
export function requireOnPath(name: string, debianPackage: string): string {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/bin',
    '/usr/sbin',
    '/usr/local/bin',
  ];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next directory
    }
  }
  throw new MissingBinaryError(name, debianPackage);
}

/** uid/gid of a local account, read from /etc/passwd. */
export function lookupAccount(name: string): { uid: number; gid: number } | null {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return null;
  }
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && fields[3] !== undefined) {
      return { uid: Number(fields[2]), gid: Number(fields[3]) };
    }
  }
  return null;
}

/**
 * A port on 127.0.0.1 that was free a moment ago. Another process may take it
 * before the server binds, so callers retry start-up on "address in use".
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Keeps the last few KB of a process's output for start-up error messages. */
export class OutputTail {
  private text = '';

  constructor(private readonly limit = 8192) {}

  append(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.limit);
  }

  attach(child: ChildProcess): void {
    child.stdout?.on('data', (chunk: Buffer) => this.append(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.append(chunk));
  }

  toString(): string {
    return this.text.trim();
  }
}

/** Resolves true when the process has exited, false if it is still running after timeoutMs. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Sends `signal`, then SIGKILL if the process outlives graceMs. */
export async function terminate(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (hasExited(child)) return;
  child.kill(signal);
  if (await waitForExit(child, graceMs)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5000);
}

/**
 * A server process must never keep the test process alive on its own, nor
 * outlive it: the handles are unref'd, and the watchdog plus the exit hooks
 * below take care of the server when its owner goes away.
 */
export function detachHandles(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as Socket | null)?.unref?.();
  }
}

/** Synchronous killers run when this process exits or is interrupted. */
const emergencyKillers = new Set<() => void>();
let hooksInstalled = false;

function runEmergencyKillers(): void {
  for (const kill of emergencyKillers) {
    try {
      kill();
    } catch {
      // best effort: the watchdog finishes the job
    }
  }
  emergencyKillers.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runEmergencyKillers();
  process.off(signal, onSignal);
  // Keep the default outcome of the signal unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

export function registerEmergencyKill(kill: () => void): () => void {
  if (!hooksInstalled) {
    hooksInstalled = true;
    process.on('exit', runEmergencyKillers);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  emergencyKillers.add(kill);
  return () => emergencyKillers.delete(kill);
}

// The watchdog is a shell that blocks reading its stdin, a pipe whose only
// writer is this process. When this process dies, however it dies (SIGKILL
// included), the pipe closes, `read` sees end of file, and the watchdog stops
// the last server pid it was told about and removes the server's directory.
// "done" means the owner cleaned up itself.
// A zombie counts as gone: it holds no port and no files, and only its new
// parent can reap it.
const WATCHDOG_SCRIPT = `
dir="$1"; sig="$2"; pid=""
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
while IFS= read -r line; do
  case "$line" in
    "pid "*) pid="\${line#pid }" ;;
    done) exit 0 ;;
  esac
done
if [ -n "$pid" ]; then
  kill -s "$sig" "$pid" 2>/dev/null
  i=0
  while alive "$pid" && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  if alive "$pid"; then kill -s KILL "$pid" 2>/dev/null; fi
fi
if [ -n "$dir" ]; then rm -rf -- "$dir"; fi
`;

export class Watchdog {
  private readonly child: ChildProcess;
  private released = false;

  /** `dir` (may be empty) is removed after the server is stopped with `signal`. */
  constructor(dir: string, signal: 'TERM' | 'INT' | 'QUIT' | 'KILL') {
    this.child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'sluice-watchdog', dir, signal], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    this.child.on('error', () => undefined);
    this.child.stdin?.on('error', () => undefined);
    detachHandles(this.child);
  }

  /** The server pid to stop if this process dies. */
  watch(pid: number): void {
    if (!this.released) this.child.stdin?.write(`pid ${pid}\n`);
  }

  /** The owner stopped the server and removed its files: the watchdog exits quietly. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.child.stdin?.end('done\n');
  }
}
