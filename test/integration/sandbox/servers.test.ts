import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MissingBinaryError,
  startMockKafka,
  startPostgres,
  startRedis,
} from '../../../sandbox/servers';
import { requireOnPath } from '../../../sandbox/servers/lifecycle';

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup().catch(() => undefined)));
});

/** A zombie counts as gone: it holds no port or file, only an entry its parent has yet to reap. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function kafkaClient(brokers: string[]) {
  return new Kafka({
    clientId: 'servers-test',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  });
}

describe('sandbox servers', () => {
  it('PostgreSQL answers a query, rejects a wrong password, and leaves nothing behind on stop', async () => {
    const server = await startPostgres({ password: 'right-password', database: 'pipeline' });
    cleanups.push(server.stop);
    expect(server.url).toBe(`postgres://sluice:right-password@127.0.0.1:${server.port}/pipeline`);

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ version: string; db: string }>(
      'select version() as version, current_database() as db',
    );
    await client.end();
    expect(rows[0]?.version).toMatch(/^PostgreSQL 15\./);
    expect(rows[0]?.db).toBe('pipeline');

    const wrong = new pg.Client({ ...connectionParts(server), password: 'wrong-password' });
    wrong.on('error', () => undefined);
    await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' });
    await wrong.end().catch(() => undefined);

    await server.stop();
    expect(processExists(server.pid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
  });

  it('Redis answers PING, enforces its password, survives kill + restart on the same port', async () => {
    const server = await startRedis({ password: 'redis-secret', appendOnly: true });
    cleanups.push(server.stop);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);

    const anonymous = new Redis(server.url, {
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    anonymous.on('error', () => undefined);
    await anonymous.connect();
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();

    const client = () =>
      new Redis(server.url, {
        password: 'redis-secret',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
    const first = client();
    first.on('error', () => undefined);
    await first.connect();
    expect(await first.ping()).toBe('PONG');
    await first.set('survives', 'restart');
    first.disconnect();

    // A graceful restart keeps the append-only file's data.
    await server.restart();
    const afterRestart = client();
    afterRestart.on('error', () => undefined);
    await afterRestart.connect();
    expect(await afterRestart.get('survives')).toBe('restart');
    afterRestart.disconnect();

    const killedPid = server.pid;
    expect(killedPid).not.toBeNull();
    await server.kill();
    expect(processExists(killedPid!)).toBe(false);
    expect(server.pid).toBeNull();
    await server.restart();
    const revived = client();
    revived.on('error', () => undefined);
    await revived.connect();
    expect(await revived.ping()).toBe('PONG');
    revived.disconnect();

    const lastPid = server.pid!;
    await server.stop();
    expect(processExists(lastPid)).toBe(false);
  });

  it('mock Kafka cluster (the fallback where Java is missing) takes produce + offsets, and brokerDown/brokerUp break and restore admin calls', async () => {
    const cluster = await startMockKafka({
      brokers: 1,
      topics: [{ name: 'preset', partitions: 2 }],
    });
    cleanups.push(cluster.stop);
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    await cluster.createTopic('orders', 3);

    const kafka = kafkaClient(cluster.brokers);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic: 'orders',
      messages: [0, 1, 2, 3, 4].map((i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 3 })),
    });
    await producer.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('orders');
    expect(offsets.map((o) => Number(o.high)).reduce((a, b) => a + b, 0)).toBe(5);
    expect(await admin.fetchTopicOffsets('preset')).toHaveLength(2);
    await admin.disconnect();

    await cluster.brokerDown(1);
    const whileDown = kafkaClient(cluster.brokers).admin();
    const started = Date.now();
    await expect(
      (async () => {
        await whileDown.connect();
        await whileDown.describeCluster();
      })(),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(10_000);
    await whileDown.disconnect().catch(() => undefined);

    await cluster.brokerUp(1);
    const afterUp = kafkaClient(cluster.brokers).admin();
    await afterUp.connect();
    const description = await afterUp.describeCluster();
    expect(description.brokers).toHaveLength(1);
    await afterUp.disconnect();

    await expect(cluster.createTopic('bad name', 1)).rejects.toThrow(/invalid topic name/);
    await expect(cluster.brokerDown(99)).rejects.toThrow(/refused "down 99"/);

    await cluster.stop();
    expect(processExists(cluster.pid)).toBe(false);
  });

  it('leaves no server or temp dir behind when its owner is SIGKILLed', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'sluice-servers-test-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const script = join(workDir, 'owner.mts');
    const serversEntry = join(REPO, 'sandbox/servers/index.ts');
    await writeFile(
      script,
      `import { startKafka, startPostgres, startRedis } from ${JSON.stringify(serversEntry)};
const [pgServer, redis, kafka] = await Promise.all([startPostgres(), startRedis(), startKafka()]);
console.log(JSON.stringify({ pids: [pgServer.pid, redis.pid, kafka.pid], dir: pgServer.dataDir }));
process.kill(process.pid, 'SIGKILL');
`,
    );
    // One process (no tsx wrapper), so the SIGKILL hits the owner itself.
    const owner = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    owner.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    owner.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((done) =>
      owner.on('exit', (_code, sig) => done(sig)),
    );
    const line = stdout.split('\n').find((l) => l.startsWith('{'));
    expect(line, `owner printed nothing; stderr: ${stderr}`).toBeDefined();
    expect(signal).toBe('SIGKILL');
    const { pids, dir } = JSON.parse(line!) as { pids: number[]; dir: string };
    expect(pids).toHaveLength(3);

    expect(await eventually(() => pids.every((pid) => !processExists(pid)), 15_000)).toBe(true);
    expect(await eventually(() => !existsSync(dir), 15_000)).toBe(true);
  });

  it('names the Debian package when a binary is missing', () => {
    const attempt = () => requireOnPath('sluice-no-such-binary', 'sluice-pkg');
    expect(attempt).toThrow(MissingBinaryError);
    expect(attempt).toThrow(/apt-get install sluice-pkg/);
  });
});

function connectionParts(server: { host: string; port: number; user: string; database: string }) {
  return { host: server.host, port: server.port, user: server.user, database: server.database };
}
