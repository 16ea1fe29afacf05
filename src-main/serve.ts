/**
 * Browser mode: `tsx src-main/serve.ts` starts the same core as the Electron
 * app and serves the built renderer on a loopback address. The one line on
 * stdout is `SLUICE_URL=<page URL with token>`, so scripts and tests can pick
 * it up; everything else goes to stderr.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBrowserHost } from './bridge/browserHost';
import { NonLoopbackAddressError, resolveLoopbackHost } from './bridge/loopback';
import { startBridge, type Bridge } from './bridge/server';
import { SERVE_USAGE, UsageError, parseServeArgs, type ServeOptions } from './bridge/serveOptions';
import { StoreOpenError, createCore, type Core } from './core/app';
import { stderrLogger } from '@shared/log/logger';
import { redactText } from '@shared/log/redact';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Bounded so a hung connection cannot keep a stopping server alive forever. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function fail(exitCode: number, message: string): never {
  process.stderr.write(`sluice serve: ${message}\n`);
  process.exit(exitCode);
}

function readAppVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

function parseOptions(): ServeOptions {
  try {
    return parseServeArgs(process.argv.slice(2), {
      platform: process.platform,
      env: process.env,
      homeDir: os.homedir(),
      cwd: process.cwd(),
      projectRoot: PROJECT_ROOT,
    });
  } catch (error) {
    if (error instanceof UsageError) fail(2, `${error.message}\n\n${SERVE_USAGE}`);
    throw error;
  }
}

async function main(): Promise<void> {
  const options = parseOptions();
  if (options.help) {
    process.stdout.write(SERVE_USAGE);
    return;
  }
  try {
    resolveLoopbackHost(options.host);
  } catch (error) {
    if (error instanceof NonLoopbackAddressError) fail(2, error.message);
    throw error;
  }
  if (!existsSync(join(options.staticDir, 'index.html'))) {
    fail(2, `${join(options.staticDir, 'index.html')} is missing: run npm run build first`);
  }

  const logger = stderrLogger();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const host = createBrowserHost({
    dataDir: options.dataDir,
    appVersion: readAppVersion(),
    logger,
  });

  let core: Core;
  try {
    core = await createCore(host);
  } catch (error) {
    if (error instanceof StoreOpenError) fail(1, error.message);
    logger.error('start-up failed', { error });
    fail(1, 'start-up failed; see the log lines above');
  }

  let bridge: Bridge;
  try {
    bridge = await startBridge({
      dispatch: core.dispatch,
      events: core.events,
      staticDir: options.staticDir,
      host: options.host,
      port: options.port,
      logger,
      exportsDir: join(options.dataDir, 'exports'),
    });
  } catch (error) {
    await core.close();
    fail(1, error instanceof Error ? error.message : String(error));
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const timer = setTimeout(
      () => fail(1, 'shutdown took too long; exiting anyway'),
      SHUTDOWN_TIMEOUT_MS,
    );
    timer.unref();
    void (async () => {
      try {
        await bridge.close();
        await core.close();
      } catch (error) {
        logger.error('shutdown failed', { error });
        process.exit(1);
      }
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  logger.info('browser mode ready', { port: bridge.port, dataDir: options.dataDir });
  process.stdout.write(`SLUICE_URL=${bridge.url}\n`);
  process.stderr.write(
    `Sluice is serving on ${bridge.url}\nOpen it in a browser; the token in the URL is the key. Ctrl+C stops it.\n`,
  );
}

main().catch((error: unknown) => {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`sluice serve: ${redactText(text)}\n`);
  process.exit(1);
});
