/**
 * npm run demo [-- --browser] [--rate N]
 *
 * Starts the sandbox pipeline with load and a failure mix, then Sluice
 * connected to it: the Electron app where its binary is installed, otherwise
 * (or with --browser) browser mode, whose URL is printed and opened.
 * Ctrl-C stops Sluice and the sandbox.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberValue, readCommandLine } from '@shared/cli/commandLine';
import { stderrLogger } from '@shared/log/logger';
import { errorMessage } from './common/errors';
import { describeSandbox, maskedEnvironment, writeEnvironmentFile } from './describe';
import { startSandbox } from './pipeline';
import type { Sandbox } from './pipeline';
import { registerEnvironment, startSluiceServe } from './sluice';
import type { SluiceServe } from './sluice';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface DemoOptions {
  browser: boolean;
  rate: number;
}

const USAGE = 'usage: npm run demo -- [--browser] [--rate N]';

function parseArgs(argv: string[]): DemoOptions {
  const { values } = readCommandLine(argv, {
    browser: { type: 'boolean' },
    rate: { type: 'string' },
  });
  return {
    browser: values.browser ?? false,
    rate: numberValue(values.rate, 100, { min: 0 }, '--rate needs a number >= 0'),
  };
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** electron-vite preview and browser mode both serve the build output; build it once if absent. */
function ensureBuilt(): void {
  const needed = [
    join(ROOT, 'out', 'renderer', 'index.html'),
    join(ROOT, 'out', 'main', 'index.js'),
  ];
  if (needed.every((file) => existsSync(file))) return;
  console.log('building Sluice (npx electron-vite build)...');
  const build = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (build.status !== 0) throw new Error('npx electron-vite build failed (see its output above)');
}

/** Why Electron cannot run here, or null when it can. */
function electronUnavailable(): string | null {
  if (!existsSync(join(ROOT, 'node_modules', 'electron', 'dist'))) {
    return 'the Electron binary is not installed (node_modules/electron/dist is missing)';
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  }
  return null;
}

const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('\nstopping Sluice and the sandbox...');
    const force = setTimeout(() => process.exit(1), 40_000);
    force.unref();
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => console.error(errorMessage(error)));
    }
    console.log('stopped; nothing left running.');
  }
  process.exit(code);
}

async function main(): Promise<void> {
  let options: DemoOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${errorMessage(error)}; ${USAGE}`);
    process.exit(2);
  }
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const whyNotElectron = options.browser ? null : electronUnavailable();
  const mode = options.browser || whyNotElectron ? 'browser' : 'electron';
  if (whyNotElectron) console.log(`Browser mode: ${whyNotElectron}.`);
  ensureBuilt();

  const dataDir = await mkdtemp(join(tmpdir(), 'sluice-demo-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

  console.log(`starting the sandbox pipeline (${options.rate} writes/s with a failure mix)...`);
  const sandbox: Sandbox = await startSandbox({
    rate: options.rate,
    logger: stderrLogger('error'),
  });
  cleanups.push(() => sandbox.stop());
  const envFile = join(ROOT, '.sandbox', 'environment.json');
  await writeEnvironmentFile(envFile, sandbox.environment);
  console.log(`\n${describeSandbox(sandbox)}\n`);

  console.log('starting Sluice...');
  const serve: SluiceServe = await startSluiceServe(ROOT, dataDir);
  cleanups.push(() => serve.stop());
  const saved = await registerEnvironment(serve, sandbox.environment);
  console.log(`environment "${saved.name}" registered in Sluice:`);
  console.log(JSON.stringify(maskedEnvironment(sandbox.environment), null, 2));

  if (mode === 'browser') {
    console.log(`\nSluice (browser mode): ${serve.url}`);
    if (onPath('xdg-open')) {
      const opener = spawn('xdg-open', [serve.url], { stdio: 'ignore', detached: true });
      opener.on('error', () => undefined);
      opener.unref();
    } else {
      console.log('(no xdg-open here: open the URL above in a browser)');
    }
    console.log(`Controls: ${sandbox.control.url}/control/status   Ctrl-C stops everything.`);
    void serve.exited.then((how) => {
      if (!stopping) {
        console.error(`Sluice exited (${how})`);
        void stopAll(1);
      }
    });
    return;
  }

  // Electron: the environment is in the store the app will open; the bridge is no longer needed.
  await serve.stop();
  console.log(
    "Note: the PostgreSQL password went to browser mode's secret file, which the Electron app does not read;\n" +
      `if Sluice reports an authentication failure for PostgreSQL, enter the password from ${envFile}.`,
  );
  const electron: ChildProcess = spawn('npx', ['electron-vite', 'preview'], {
    cwd: ROOT,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, SLUICE_USER_DATA_DIR: dataDir },
  });
  cleanups.push(async () => {
    if (electron.exitCode === null && electron.signalCode === null && electron.pid) {
      // electron-vite starts Electron as its child: stop the whole group it leads.
      process.kill(-electron.pid, 'SIGTERM');
    }
  });
  electron.once('exit', (code) => {
    if (!stopping) void stopAll(code ?? 0);
  });
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${errorMessage(error)}`);
  void stopAll(1);
});
