import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, constants, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingBinaryError } from '../errors';
import { requireOnPath } from '../lifecycle';

const SOURCE = fileURLToPath(new URL('./mock-broker.c', import.meta.url));
const MOCK_HEADER = '/usr/include/librdkafka/rdkafka_mock.h';
const CACHE_DIRS = [
  fileURLToPath(new URL('../../../node_modules/.cache/sluice/', import.meta.url)),
  join(tmpdir(), `sluice-cache-${process.getuid?.() ?? 'user'}`),
];
const COMPILE_FLAGS = ['-O2', '-Wall'];

let building: Promise<string> | null = null;

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function compile(output: string): Promise<void> {
  const gcc = requireOnPath('gcc', 'gcc');
  return new Promise((resolve, reject) => {
    execFile(
      gcc,
      [...COMPILE_FLAGS, '-o', output, SOURCE, '-lrdkafka'],
      { timeout: 120_000 },
      (error, _stdout, stderr) => {
        if (!error) resolve();
        else if (/cannot find -lrdkafka|rdkafka\.h: No such file/.test(stderr)) {
          reject(new MissingBinaryError('librdkafka', 'librdkafka-dev'));
        } else reject(new Error(`compiling ${SOURCE} failed: ${stderr || error.message}`));
      },
    );
  });
}

/** The first cache directory this process can write to. */
export async function cacheDir(): Promise<string> {
  for (const dir of CACHE_DIRS) {
    try {
      await mkdir(dir, { recursive: true });
      await access(dir, constants.W_OK);
      return dir;
    } catch {
      // read-only checkout or no node_modules: fall back to the temp dir
    }
  }
  throw new Error(`no writable cache directory among ${CACHE_DIRS.join(', ')}`);
}

async function build(): Promise<string> {
  try {
    await access(MOCK_HEADER, constants.R_OK);
  } catch {
    throw new MissingBinaryError(MOCK_HEADER, 'librdkafka-dev');
  }
  const source = await readFile(SOURCE);
  // The binary is keyed by its source and flags, so an edited launcher is rebuilt.
  const hash = createHash('sha256')
    .update(source)
    .update(COMPILE_FLAGS.join(' '))
    .digest('hex')
    .slice(0, 16);
  const target = join(await cacheDir(), `mock-broker-${hash}`);
  if (await isExecutable(target)) return target;
  // Compile under a private name and rename: rename is atomic, so two test
  // processes compiling at once both end up with a complete binary.
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await compile(temporary);
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true });
  }
  return target;
}

/** Path of the compiled mock-broker launcher, compiling it on first use. */
export function mockBrokerBinary(): Promise<string> {
  building ??= build().catch((error: unknown) => {
    building = null;
    throw error;
  });
  return building;
}
