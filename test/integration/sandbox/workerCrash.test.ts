import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/pipeline';
import type { Sandbox } from '../../../sandbox/pipeline';
import { postWrite, sleep, waitFor } from './helpers';

let sandbox: Sandbox;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  // No worker in this process: the test runs it as a child it can SIGKILL.
  sandbox = await startSandbox({ worker: false, syncMaxWaitMs: 100 });
});

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

afterAll(async () => {
  await sandbox?.stop();
});

interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the number of entries it recovered at start-up. */
  ready: Promise<number>;
}

function spawnWorker(batchSize: number): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/worker/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      REDIS_URL: sandbox.redisServer.url,
      POSTGRES_URL: sandbox.postgres.url,
      BATCH_SIZE: String(batchSize),
      BATCH_TIMEOUT_MS: '20',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker not ready in 30 s: ${stderr}`)),
      30_000,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^worker ready \(recovered (\d+)\)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${signal ?? code}) before it was ready: ${stderr}`));
    });
  });
  ready.catch(() => undefined);
  return { child, ready };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function queueEmpty(): Promise<{ queue: number; processing: number }> {
  const [queue, processing] = await Promise.all([
    sandbox.redis.llen(sandbox.keys.queue),
    sandbox.redis.llen(sandbox.keys.processing),
  ]);
  return { queue, processing };
}

async function storedValues(
  prefix: string,
): Promise<Map<string, { seq: number; version: number }>> {
  const rows = await sandbox.pool.query<{ id: string; seq: number; version: number }>(
    "SELECT id, (body->>'seq')::int AS seq, version FROM documents WHERE id LIKE $1 || '%'",
    [prefix],
  );
  return new Map(rows.rows.map((row) => [row.id, { seq: row.seq, version: row.version }]));
}

describe('worker killed with SIGKILL', () => {
  it('loses no write popped in a batch that had not committed yet', async () => {
    const total = 300;
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        postWrite(sandbox.writer.url, `crash-a-${i}`, { seq: i }),
      ),
    );
    // Writes block on the lock, so the first batch is popped and then stuck mid-transaction.
    const locker = await sandbox.pool.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE documents IN EXCLUSIVE MODE');
    let unlocked = false;
    try {
      const first = spawnWorker(50);
      expect(await first.ready).toBe(0);
      await waitFor('the worker to pop a batch', queueEmpty, (depth) => depth.processing > 0);
      await kill(first.child);
      // Read the processing list once the worker is dead: while alive it may
      // still be moving entries into its batch.
      const popped = await queueEmpty();
      expect(popped.processing).toBeGreaterThan(0);
      await locker.query('ROLLBACK');
      unlocked = true;
      expect((await storedValues('crash-a-')).size).toBe(0);

      const second = spawnWorker(50);
      expect(await second.ready).toBe(popped.processing);
      await waitFor(
        'every write to be stored',
        () => storedValues('crash-a-'),
        (stored) => stored.size === total,
      );
      const stored = await storedValues('crash-a-');
      for (let i = 0; i < total; i += 1) {
        expect(stored.get(`crash-a-${i}`)).toEqual({ seq: i, version: 1 });
      }
      expect(await queueEmpty()).toEqual({ queue: 0, processing: 0 });
      expect(await sandbox.redis.llen(sandbox.keys.dead)).toBe(0);
      await kill(second.child);
    } finally {
      if (!unlocked) await locker.query('ROLLBACK');
      locker.release();
    }
  });

  it('loses no write and applies none twice when killed repeatedly while writes stream in', async () => {
    const total = 1500;
    let sent = 0;
    const producer = (async () => {
      while (sent < total) {
        const batch = Array.from({ length: 50 }, (_, i) => sent + i);
        sent += batch.length;
        await Promise.all(
          batch.map((i) => postWrite(sandbox.writer.url, `crash-b-${i}`, { seq: i })),
        );
        await sleep(20);
      }
    })();
    for (let round = 0; round < 3; round += 1) {
      const worker = spawnWorker(25);
      await worker.ready;
      // Kill at a moment unrelated to batch boundaries.
      await sleep(200 + Math.floor(Math.random() * 400));
      await kill(worker.child);
    }
    await producer;
    const last = spawnWorker(25);
    await last.ready;
    const stored = await waitFor(
      'every streamed write to be stored',
      () => storedValues('crash-b-'),
      (values) => values.size === total,
      60_000,
    );
    for (let i = 0; i < total; i += 1) {
      // version 1: a write replayed from the processing list after a commit is not applied again.
      expect(stored.get(`crash-b-${i}`)).toEqual({ seq: i, version: 1 });
    }
    await waitFor('the queue to drain', queueEmpty, (d) => d.queue === 0 && d.processing === 0);
    expect(await sandbox.redis.llen(sandbox.keys.dead)).toBe(0);
    await kill(last.child);
  });
});
