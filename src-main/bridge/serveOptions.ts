import { join, resolve } from 'node:path';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly staticDir: string;
  readonly help: boolean;
}

/** Bad command line: print the message and the usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const SERVE_USAGE = `Usage: npm run serve -- [options]   (or: tsx src-main/serve.ts [options])

Starts the Sluice core behind an HTTP bridge on a loopback address and prints
the page URL (with its access token) as a line SLUICE_URL=<url> on stdout.

Options:
  --port <n>         TCP port; 0 picks a free one (default 0)
  --host <address>   loopback address to listen on: 127.x.x.x, ::1 or localhost
                     (= 127.0.0.1); anything else is refused (default 127.0.0.1)
  --data-dir <dir>   where the store and the secrets file live (default: the
                     SLUICE_USER_DATA_DIR environment variable, else the
                     platform's user data directory for Sluice)
  --static-dir <dir> the built renderer (default out/renderer; build it with
                     npm run build)
  --help             show this help
`;

export interface ServeEnvironment {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir: string;
  readonly cwd: string;
  /** The repository root: the default static directory is relative to it. */
  readonly projectRoot: string;
}

/**
 * Electron's userData for productName "Sluice", so both modes share one store:
 * $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on
 * macOS, %APPDATA% on Windows.
 */
export function defaultDataDir(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  homeDir: string,
): string {
  if (platform === 'darwin') return join(homeDir, 'Library', 'Application Support', 'Sluice');
  if (platform === 'win32') {
    return join(env.APPDATA?.trim() || join(homeDir, 'AppData', 'Roaming'), 'Sluice');
  }
  const configHome = env.XDG_CONFIG_HOME?.trim();
  return join(configHome || join(homeDir, '.config'), 'Sluice');
}

const VALUE_FLAGS = ['--port', '--host', '--data-dir', '--static-dir'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text))
    throw new UsageError(`--port must be a number from 0 to 65535, got "${text}"`);
  const port = Number(text);
  if (port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${text}"`);
  return port;
}

/** Parses `--flag value` and `--flag=value`; unknown flags and stray words are usage errors. */
export function parseServeArgs(
  argv: readonly string[],
  environment: ServeEnvironment,
): ServeOptions {
  const values = new Map<ValueFlag, string>();
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (!isValueFlag(name)) throw new UsageError(`unknown argument "${arg}"`);
    let value: string | undefined;
    if (equals !== -1) {
      value = arg.slice(equals + 1);
    } else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    if (values.has(name)) throw new UsageError(`${name} given more than once`);
    values.set(name, value);
  }

  const portText = values.get('--port');
  const dataDirText = values.get('--data-dir') ?? environment.env.SLUICE_USER_DATA_DIR?.trim();
  const staticDirText = values.get('--static-dir');
  return {
    port: portText === undefined ? 0 : parsePort(portText),
    host: values.get('--host') ?? '127.0.0.1',
    dataDir: dataDirText
      ? resolve(environment.cwd, dataDirText)
      : defaultDataDir(environment.platform, environment.env, environment.homeDir),
    staticDir:
      staticDirText === undefined
        ? join(environment.projectRoot, 'out', 'renderer')
        : resolve(environment.cwd, staticDirText),
    help,
  };
}
