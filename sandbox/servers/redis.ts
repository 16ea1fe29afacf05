import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerStartError } from './errors';
import {
  OutputTail,
  Watchdog,
  detachHandles,
  freePort,
  hasExited,
  registerEmergencyKill,
  requireOnPath,
  sleep,
  terminate,
  waitForExit,
} from './lifecycle';

const START_TIMEOUT_MS = 15_000;

export interface RedisServer {
  host: '127.0.0.1';
  port: number;
  /** redis://127.0.0.1:port, never with the password in it. */
  url: string;
  password: string | null;
  /** The current redis-server pid (changes on restart), null while it is down. */
  readonly pid: number | null;
  stop(): Promise<void>;
  /** SIGKILL, for fault tests. */
  kill(): Promise<void>;
  /** Starts it again on the same port (and, with appendOnly, the same data). */
  restart(): Promise<void>;
}

export interface StartRedisOptions {
  appendOnly?: boolean;
  password?: string;
}

/** True once the server answers PING (or refuses it for want of AUTH: it is up either way). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), 1000);
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisServer> {
  const binary = requireOnPath('redis-server', 'redis-server');
  const password = opts.password ?? null;
  const root = await mkdtemp(join(tmpdir(), 'sluice-redis-'));
  const watchdog = new Watchdog(root, 'KILL');
  const args = (port: number): string[] => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    opts.appendOnly ? 'yes' : 'no',
    '--dir',
    root,
    '--daemonize',
    'no',
    '--logfile',
    '',
    ...(password !== null ? ['--requirepass', password] : []),
  ];

  let child: ChildProcess | null = null;
  let unregister: () => void = () => undefined;

  const launch = async (port: number): Promise<{ ok: boolean; output: string }> => {
    const started = spawn(binary, args(port), {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let spawnError: Error | null = null;
    started.on('error', (error) => (spawnError = error));
    const tail = new OutputTail();
    tail.attach(started);
    detachHandles(started);
    child = started;
    watchdog.watch(started.pid ?? 0);
    unregister();
    unregister = registerEmergencyKill(() => started.kill('SIGKILL'));

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline && !hasExited(started) && !spawnError) {
      if (await answersPing(port)) return { ok: true, output: '' };
      await sleep(50);
    }
    await terminate(started, 'SIGKILL', 1000);
    if (spawnError) throw new ServerStartError(`could not run redis-server: ${String(spawnError)}`);
    return { ok: false, output: tail.toString() };
  };

  const cleanUp = async (): Promise<void> => {
    unregister();
    if (child) await terminate(child, 'SIGTERM', 10_000);
    await rm(root, { recursive: true, force: true });
    watchdog.release();
  };

  try {
    let port = 0;
    let output = '';
    for (let attempt = 0; attempt < 3 && port === 0; attempt += 1) {
      const candidate = await freePort();
      const result = await launch(candidate);
      if (result.ok) port = candidate;
      else if (!/in use|bind/i.test(result.output)) {
        output = result.output;
        break;
      } else output = result.output;
    }
    if (port === 0) throw new ServerStartError(`redis-server did not start: ${output}`);

    let stopped: Promise<void> | null = null;
    const server: RedisServer = {
      host: '127.0.0.1',
      port,
      url: `redis://127.0.0.1:${port}`,
      password,
      get pid() {
        return child && !hasExited(child) ? (child.pid ?? null) : null;
      },
      stop: () => (stopped ??= cleanUp()),
      kill: async () => {
        if (child && !hasExited(child)) {
          child.kill('SIGKILL');
          await waitForExit(child, 5000);
        }
      },
      restart: async () => {
        if (stopped) throw new Error('this Redis server was stopped; start a new one');
        if (child) await terminate(child, 'SIGTERM', 10_000);
        const result = await launch(port);
        if (!result.ok) {
          throw new ServerStartError(`redis-server did not restart on ${port}: ${result.output}`);
        }
      },
    };
    return server;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
