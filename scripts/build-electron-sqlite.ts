/**
 * npm run rebuild:electron: builds better-sqlite3's native addon for the
 * installed Electron's ABI into native/electron/better_sqlite3.node.
 *
 * Two builds of the same addon live side by side:
 * - node_modules/better-sqlite3/build/Release/better_sqlite3.node is built
 *   for Node's ABI by npm install. Unit and integration tests, browser mode
 *   (npm run serve) and every script use it. This script never touches it
 *   (it checks the file's hash before and after).
 * - native/electron/better_sqlite3.node (git-ignored) is built here for
 *   Electron's ABI. The main process finds it (src-main/shell/nativeBinding.ts,
 *   also under resources/native/electron/ in a package) and passes its path
 *   to better-sqlite3's `nativeBinding` option through createCore(), so
 *   Electron never tries to load the Node build.
 *
 * How: copy the better-sqlite3 package to a temporary directory and run
 * node-gyp there with --target=<installed electron version>
 * --dist-url=https://electronjs.org/headers --runtime=electron, then copy the
 * .node file out. npm_config_nodedir is removed from node-gyp's environment:
 * it points at Node's headers and would silently produce a Node build.
 * The Electron headers are downloaded once into ~/.electron-gyp; without
 * access to electronjs.org the script stops with a message saying so.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const DIST_URL = 'https://electronjs.org/headers';
const OUTPUT_DIR = path.join(root, 'native', 'electron');
const ADDON = 'better_sqlite3.node';
const HEADERS_PROBE_TIMEOUT_MS = 15_000;
const BUILD_TIMEOUT_MS = 20 * 60_000;

class BuildError extends Error {}

function readVersion(packageJson: string, what: string): string {
  const pkg = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new BuildError(`cannot read the version of ${what}`);
  return pkg.version;
}

function sha256(file: string): string | null {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

/** npm run sets npm_config_node_gyp to its bundled node-gyp; otherwise look where npm keeps it. */
function findNodeGyp(): string {
  const candidates = [
    process.env.npm_config_node_gyp,
    (() => {
      try {
        return require.resolve('node-gyp/bin/node-gyp.js');
      } catch {
        return undefined;
      }
    })(),
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  const found = candidates.find(
    (file): file is string => Boolean(file) && fs.existsSync(file as string),
  );
  if (!found)
    throw new BuildError('node-gyp not found (it ships with npm); install npm or node-gyp');
  return found;
}

/** Fails with a clear message when the headers are neither cached nor downloadable. */
async function ensureHeadersReachable(electronVersion: string, devDir: string): Promise<void> {
  if (fs.existsSync(path.join(devDir, electronVersion, 'installVersion'))) {
    console.log(`Electron ${electronVersion} headers already in ${devDir}`);
    return;
  }
  const url = `${DIST_URL}/v${electronVersion}/node-v${electronVersion}-headers.tar.gz`;
  let failure: string | null = null;
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'follow',
      signal: AbortSignal.timeout(HEADERS_PROBE_TIMEOUT_MS),
    });
    if (!response.ok) failure = `HTTP ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    failure = String(
      cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : error),
    );
  }
  if (failure !== null) {
    throw new BuildError(
      `cannot fetch the Electron ${electronVersion} headers from ${url} (${failure}).\n` +
        `Building better-sqlite3 for Electron needs them once. Run "npm run rebuild:electron" on a machine ` +
        `that can reach electronjs.org, or put the headers in ${path.join(devDir, electronVersion)}.\n` +
        `Nothing was changed; the Node build in node_modules is untouched.`,
    );
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGTERM'), BUILD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new BuildError(`could not start node-gyp: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new BuildError(
            `node-gyp failed (${signal ?? `exit code ${code}`}); see its output above`,
          ),
        );
    });
  });
}

async function main(): Promise<void> {
  const electronVersion = readVersion(
    path.join(root, 'node_modules', 'electron', 'package.json'),
    'electron',
  );
  const abiFile = path.join(root, 'node_modules', 'electron', 'abi_version');
  const abi = fs.existsSync(abiFile) ? fs.readFileSync(abiFile, 'utf8').trim() : 'unknown';
  const packageDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = readVersion(path.join(packageDir, 'package.json'), 'better-sqlite3');
  const nodeBuild = path.join(packageDir, 'build', 'Release', ADDON);
  const nodeBuildHash = sha256(nodeBuild);
  const devDir = path.join(os.homedir(), '.electron-gyp');
  const arch = process.env.npm_config_arch ?? process.arch;

  console.log(
    `building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${abi}, ${process.platform}-${arch})`,
  );
  await ensureHeadersReachable(electronVersion, devDir);
  const nodeGyp = findNodeGyp();

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-electron-sqlite-'));
  try {
    // The package without its Node build, so nothing stale is linked in.
    fs.cpSync(packageDir, work, {
      recursive: true,
      filter: (source) => path.relative(packageDir, source).split(path.sep)[0] !== 'build',
    });
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) {
      if (key.toLowerCase() === 'npm_config_nodedir') delete env[key];
    }
    await run(
      process.execPath,
      [
        nodeGyp,
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        `--dist-url=${DIST_URL}`,
        '--runtime=electron',
        `--arch=${arch}`,
        `--devdir=${devDir}`,
        '--jobs=max',
      ],
      work,
      env,
    );
    const built = path.join(work, 'build', 'Release', ADDON);
    if (!fs.existsSync(built)) throw new BuildError(`node-gyp succeeded but ${built} is missing`);

    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    const target = path.join(OUTPUT_DIR, ADDON);
    const temp = `${target}.${process.pid}.tmp`;
    fs.copyFileSync(built, temp);
    fs.renameSync(temp, target);
    fs.writeFileSync(
      path.join(OUTPUT_DIR, 'build-info.json'),
      `${JSON.stringify(
        {
          electron: electronVersion,
          abi,
          betterSqlite3: sqliteVersion,
          platform: process.platform,
          arch,
          sha256: sha256(target),
          builtAt: new Date().toISOString(),
        },
        null,
        2,
      )}\n`,
    );
    console.log(`wrote ${path.relative(root, target)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  if (sha256(nodeBuild) !== nodeBuildHash) {
    throw new BuildError(
      `${nodeBuild} changed during the build; run "npm rebuild better-sqlite3" to restore it`,
    );
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`rebuild:electron failed: ${message}`);
  if (!(error instanceof BuildError) && error instanceof Error && error.stack)
    console.error(error.stack);
  process.exit(1);
});
