/**
 * npm run sandbox [-- --rate N] [--no-failures] [--writer-port P] [--control-port P]
 *
 * Starts the whole pipeline on this machine, prints what runs where and the
 * Sluice environment for it, then a status line every 10 s. Ctrl-C stops
 * everything it started.
 */
import { join } from 'node:path';
import { numberValue, readCommandLine } from '@shared/cli/commandLine';
import { stderrLogger } from '@shared/log/logger';
import type { Logger } from '@shared/log/logger';
import { errorMessage } from './common/errors';
import { describeSandbox, maskedEnvironment, statusLine, writeEnvironmentFile } from './describe';
import { NO_FAILURES } from './loadgen/payloads';
import { startSandbox } from './pipeline';
import type { Sandbox } from './pipeline';

const USAGE = `usage: npm run sandbox -- [--rate N] [--no-failures] [--writer-port P] [--control-port P]
  --rate N          writes per second from the load generator (default 0: idle)
  --no-failures     valid writes only (default: about 1 in 100 fails somewhere)
  --writer-port P   fixed port for the writer API (default: a free one)
  --control-port P  fixed port for the controls (default: a free one)`;

interface CliOptions {
  rate: number;
  failures: boolean;
  writerPort: number;
  controlPort: number;
}

function parseArgs(argv: string[]): CliOptions {
  const { values } = readCommandLine(argv, {
    rate: { type: 'string' },
    'no-failures': { type: 'boolean' },
    'writer-port': { type: 'string' },
    'control-port': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (flag: string, value: string | undefined, max: number): number =>
    numberValue(value, 0, { min: 0, max }, `${flag} needs a number from 0 to ${max}`);
  return {
    rate: number('--rate', values.rate, 100_000),
    failures: !values['no-failures'],
    writerPort: number('--writer-port', values['writer-port'], 65535),
    controlPort: number('--control-port', values['control-port'], 65535),
  };
}

/**
 * On Ctrl-C the servers go down at once (their own signal hooks) while the
 * clients are still closing: those connection errors are expected, not news.
 */
function quietWhileStopping(logger: Logger, stopping: () => boolean): Logger {
  const gate =
    (write: Logger['warn']): Logger['warn'] =>
    (message, fields) => {
      if (!stopping()) write(message, fields);
    };
  return {
    debug: gate(logger.debug),
    info: gate(logger.info),
    warn: gate(logger.warn),
    error: gate(logger.error),
  };
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${errorMessage(error)}\n${USAGE}`);
    process.exit(2);
  }

  let sandbox: Sandbox | null = null;
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox...`);
    const force = setTimeout(() => {
      console.error('stopping took more than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    await sandbox?.stop();
    console.log('sandbox stopped; nothing left running.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  console.log('starting PostgreSQL, Redis and Kafka...');
  sandbox = await startSandbox({
    rate: options.rate,
    mix: options.failures ? undefined : NO_FAILURES,
    writerPort: options.writerPort,
    controlPort: options.controlPort,
    logger: quietWhileStopping(stderrLogger('warn'), () => stopping),
  });
  if (stopping) return;

  const envFile = join(process.cwd(), '.sandbox', 'environment.json');
  await writeEnvironmentFile(envFile, sandbox.environment);
  console.log(`\nSandbox pipeline running:\n${describeSandbox(sandbox)}\n`);
  console.log('Sluice environment (passwords masked):');
  console.log(JSON.stringify(maskedEnvironment(sandbox.environment), null, 2));
  console.log(`With passwords, readable only by you: ${envFile}`);
  console.log(
    `Load: ${options.rate} writes/s${options.failures ? ' with a failure mix' : ''}; change it with\n` +
      `  curl -X POST ${sandbox.control.url}/control/load/rate -d '{"rate": 200}'\n` +
      `  curl -X POST ${sandbox.control.url}/control/load/burst -d '{"seconds": 10}'\n` +
      `  curl -X POST ${sandbox.control.url}/control/sync/pause\n` +
      'Ctrl-C stops everything.\n',
  );

  let lastProcessed = 0;
  let lastAt = Date.now();
  const timer = setInterval(() => {
    void sandbox
      ?.snapshot()
      .then((snapshot) => {
        const now = Date.now();
        const rate = ((snapshot.processed - lastProcessed) * 1000) / (now - lastAt);
        lastProcessed = snapshot.processed;
        lastAt = now;
        if (!stopping) console.log(statusLine(snapshot, rate));
      })
      .catch((error: unknown) => console.error(`status unavailable: ${errorMessage(error)}`));
  }, 10_000);
  timer.unref();
  // Keeps the process alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(`sandbox failed to start: ${errorMessage(error)}`);
  process.exit(1);
});
