import { join, resolve } from 'node:path';
import { readCommandLine } from '@shared/cli/commandLine';

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

function parsePort(text: string): number {
  if (!/^\d+$/.test(text))
    throw new UsageError(`--port must be a number from 0 to 65535, got "${text}"`);
  const port = Number(text);
  if (port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${text}"`);
  return port;
}

const VALUE_FLAGS = ['port', 'host', 'data-dir', 'static-dir'] as const;

/**
 * Parses `--flag value` and `--flag=value` with node:util parseArgs; unknown
 * flags, stray words, empty values and repeated flags are usage errors.
 */
export function parseServeArgs(
  argv: readonly string[],
  environment: ServeEnvironment,
): ServeOptions {
  let parsed;
  try {
    parsed = readCommandLine(argv, {
      port: { type: 'string', multiple: true },
      host: { type: 'string', multiple: true },
      'data-dir': { type: 'string', multiple: true },
      'static-dir': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = new Map<(typeof VALUE_FLAGS)[number], string>();
  for (const flag of VALUE_FLAGS) {
    const given = parsed.values[flag];
    if (given === undefined) continue;
    if (given.length > 1) throw new UsageError(`--${flag} given more than once`);
    if (given[0] === '') throw new UsageError(`--${flag} needs a value`);
    values.set(flag, given[0]!);
  }
  const help = parsed.values.help ?? false;

  const portText = values.get('port');
  const dataDirText = values.get('data-dir') ?? environment.env.SLUICE_USER_DATA_DIR?.trim();
  const staticDirText = values.get('static-dir');
  return {
    port: portText === undefined ? 0 : parsePort(portText),
    host: values.get('host') ?? '127.0.0.1',
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
