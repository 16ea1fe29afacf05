import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MissingBinaryError, ServerStartError } from './errors';
import {
  OutputTail,
  Watchdog,
  detachHandles,
  freePort,
  hasExited,
  lookupAccount,
  registerEmergencyKill,
  requireExecutable,
  sleep,
  terminate,
  waitForExit,
} from './lifecycle';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_PACKAGE = 'postgresql';
const START_TIMEOUT_MS = 30_000;

export interface PostgresServer {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  database: string;
  /** postgres://user:password@127.0.0.1:port/db */
  url: string;
  dataDir: string;
  /** The postmaster's pid. */
  pid: number;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  password?: string;
  database?: string;
}

type Account = { uid: number; gid: number } | null;

/** PostgreSQL refuses to run as root, so root hands the cluster to the postgres account. */
function serverAccount(): Account {
  if (process.getuid?.() !== 0) return null;
  const account = lookupAccount('postgres');
  if (!account) throw new MissingBinaryError('the "postgres" system account', PG_PACKAGE);
  return account;
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // PG* variables of the caller must not steer initdb or the server.
    if (!key.startsWith('PG')) env[key] = value;
  }
  env.LC_ALL = 'C.UTF-8';
  env.LANG = 'C.UTF-8';
  return env;
}

function runToCompletion(
  command: string,
  args: string[],
  account: Account,
  cwd: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
    const tail = new OutputTail();
    tail.attach(child);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new ServerStartError(`${command} failed (${signal ?? `exit ${code}`}): ${tail}`));
    });
  });
}

async function canConnect(port: number, user: string, password: string): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 2000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function createDatabase(port: number, user: string, password: string, database: string) {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 5000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function serverArgs(dataDir: string, socketDir: string, port: number): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir,
    // A throwaway server: durability buys nothing, speed does.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    wal_level: 'minimal',
    max_wal_senders: '0',
    checkpoint_timeout: '30min',
    max_wal_size: '1GB',
    shared_buffers: '64MB',
    max_connections: '100',
    log_min_messages: 'warning',
    log_min_error_statement: 'panic',
  };
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [key, value] of Object.entries(settings)) args.push('-c', `${key}=${value}`);
  return args;
}

/** Starts the postmaster and waits until it accepts the password over TCP. */
async function launch(
  root: string,
  dataDir: string,
  account: Account,
  user: string,
  password: string,
): Promise<{ child: ChildProcess; port: number }> {
  let lastFailure = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const child = spawn(join(PG_BIN, 'postgres'), serverArgs(dataDir, root, port), {
      cwd: root,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
    let spawnError: Error | null = null;
    child.on('error', (error) => (spawnError = error));
    const tail = new OutputTail();
    tail.attach(child);
    detachHandles(child);

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline && !hasExited(child)) {
      if (spawnError) throw new ServerStartError(`could not run postgres: ${String(spawnError)}`);
      if (await canConnect(port, user, password)) return { child, port };
      await sleep(100);
    }
    if (!hasExited(child)) {
      await terminate(child, 'SIGQUIT', 2000);
      throw new ServerStartError(`postgres did not accept connections within 30 s: ${tail}`);
    }
    await waitForExit(child, 1000);
    lastFailure = tail.toString();
    // Someone took the port between freePort() and bind(): try another one.
    if (!/already in use|could not bind|could not create any TCP\/IP sockets/i.test(lastFailure)) {
      break;
    }
  }
  throw new ServerStartError(`postgres exited during start-up: ${lastFailure}`);
}

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresServer> {
  requireExecutable(join(PG_BIN, 'initdb'), PG_PACKAGE);
  requireExecutable(join(PG_BIN, 'postgres'), PG_PACKAGE);
  const account = serverAccount();
  const user = 'sluice';
  const password = opts.password ?? randomBytes(12).toString('hex');
  const database = opts.database ?? 'sluice';

  const root = await mkdtemp(join(tmpdir(), 'sluice-pg-'));
  const dataDir = join(root, 'data');
  const watchdog = new Watchdog(root, 'QUIT');
  let child: ChildProcess | null = null;
  let unregister: () => void = () => undefined;

  const cleanUp = async (): Promise<void> => {
    unregister();
    // SIGINT is PostgreSQL's fast shutdown: roll back sessions and exit now.
    if (child) await terminate(child, 'SIGINT', 10_000);
    await rm(root, { recursive: true, force: true });
    watchdog.release();
  };

  try {
    if (account) await chown(root, account.uid, account.gid);
    const pwFile = join(root, 'pwfile');
    await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (account) await chown(pwFile, account.uid, account.gid);
    await runToCompletion(
      join(PG_BIN, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        user,
        `--pwfile=${pwFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
        '--no-instructions',
      ],
      account,
      root,
    );
    await rm(pwFile, { force: true });

    const launched = await launch(root, dataDir, account, user, password);
    child = launched.child;
    const running = child;
    watchdog.watch(running.pid ?? 0);
    unregister = registerEmergencyKill(() => running.kill('SIGQUIT'));
    if (database !== 'postgres') await createDatabase(launched.port, user, password, database);

    const port = launched.port;
    let stopped: Promise<void> | null = null;
    return {
      host: '127.0.0.1',
      port,
      user,
      password,
      database,
      url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
      dataDir,
      pid: running.pid ?? 0,
      stop: () => (stopped ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
