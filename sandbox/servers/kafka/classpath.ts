import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerStartError } from '../errors';
import { requireOnPath } from '../lifecycle';
import { cacheDir } from './build';

const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));
// The first resolution downloads about 90 jars; later ones read ~/.m2 only.
const MAVEN_TIMEOUT_MS = 15 * 60_000;

let resolving: Promise<string> | null = null;

function runMaven(outputFile: string): Promise<void> {
  const mvn = requireOnPath('mvn', 'maven');
  return new Promise((resolve, reject) => {
    execFile(
      mvn,
      ['-B', '-q', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${outputFile}`],
      { timeout: MAVEN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n');
        reject(
          new ServerStartError(
            `Maven could not resolve Apache Kafka's jars (mvn dependency:build-classpath -f ${POM}): ${output || error.message}`,
          ),
        );
      },
    );
  });
}

async function resolve(): Promise<string> {
  const pom = await readFile(POM);
  // Keyed by the POM, so a new Kafka version resolves again.
  const hash = createHash('sha256').update(pom).digest('hex').slice(0, 16);
  const target = join(await cacheDir(), `kafka-classpath-${hash}.txt`);
  const cached = await readFile(target, 'utf8').catch(() => null);
  if (cached?.includes('kafka_2.13')) return cached.trim();
  // Written under a private name and renamed, so parallel test files never read half a file.
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await runMaven(temporary);
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true });
  }
  return (await readFile(target, 'utf8')).trim();
}

/** The java binary, or MissingBinaryError naming the Debian package. */
export function javaBinary(): string {
  return requireOnPath('java', 'openjdk-17-jre-headless');
}

/** Apache Kafka's classpath (jar paths in the local Maven repository), resolving it on first use. */
export function kafkaClasspath(): Promise<string> {
  resolving ??= resolve().catch((error: unknown) => {
    resolving = null;
    throw error;
  });
  return resolving;
}
