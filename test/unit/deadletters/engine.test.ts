import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReplayJob } from '@shared/contract';
import { OutageError } from '../../../src-main/core/deadletters/faults';
import { ReplayEngine } from '../../../src-main/core/deadletters/replay/engine';
import type { JobPlan } from '../../../src-main/core/deadletters/replay/jobRecord';
import { ReplayJournal } from '../../../src-main/core/deadletters/replay/journal';
import type {
  DeadLetterSource,
  MoveItem,
  MoveOutcome,
} from '../../../src-main/core/deadletters/source';
import { silentLogger } from '@shared/log/logger';
import { openStore, type Db } from '../../../src-main/core/store/database';
import { migrations } from '../../../src-main/core/store/migrations';
import { makeTempDir } from '../../support/tempDir';

/** A dead-letter store in memory: entries are keys; a move is idempotent per key. */
class FakeSource {
  readonly kind = 'redis' as const;
  dead: Set<string>;
  delivered: string[] = [];
  down = false;
  moveCalls = 0;
  /** Steps handed over as resent (moved before without a recorded outcome). */
  resentSteps: number[] = [];
  /** While set, a move waits for it: a batch stays in flight. */
  gate: Promise<void> | null = null;

  constructor(keys: string[]) {
    this.dead = new Set(keys);
  }

  async move(_jobId: string, items: readonly MoveItem[]): Promise<MoveOutcome[]> {
    this.moveCalls += 1;
    if (this.gate) await this.gate;
    if (this.down) throw new OutageError('Redis', 'connection refused');
    for (const item of items) if (item.resent) this.resentSteps.push(item.step);
    return items.map((item) => {
      if (!this.dead.delete(item.key)) return { state: 'gone' };
      this.delivered.push(item.key);
      return { state: 'delivered' };
    });
  }

  async probe(): Promise<void> {
    if (this.down) throw new OutageError('Redis', 'connection refused');
  }

  async finishJob(): Promise<void> {}
}

const plan: JobPlan = {
  targets: [{ kind: 'redis-list', key: 'queue', side: 'head' }],
  delivery: 'test',
  notes: [],
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup(keys: string[], rate: number | null = null) {
  const temp = makeTempDir('sluice-dl-engine-');
  const db: Db = openStore({ file: join(temp.dir, 'sluice.db'), migrations });
  cleanups.push(() => {
    db.close();
    temp.cleanup();
  });
  const journal = new ReplayJournal(db);
  const source = new FakeSource(keys);
  const jobId = '00000000-0000-4000-8000-000000000001';
  journal.beginPlan(
    {
      id: jobId,
      environmentId: '00000000-0000-4000-8000-0000000000e1',
      sourceId: '00000000-0000-4000-8000-0000000000a1',
      sourceName: 'fake',
      ratePerSecond: rate,
      operator: 'tester',
    },
    plan,
  );
  journal.addSteps(
    jobId,
    0,
    keys.map((key) => ({
      key,
      stored: Buffer.from(key),
      payload: Buffer.from(key),
      recordKey: null,
      headers: [],
      origin: `fake#${key}`,
      targetIndex: 0,
    })),
  );
  journal.finishPlan(jobId, keys.length, plan);
  const events: ReplayJob[] = [];
  const engine = (batchSize = 10) =>
    new ReplayEngine({
      journal,
      sourceFor: async () => source as unknown as DeadLetterSource,
      emitJob: (job) => events.push(job),
      emitMoved: () => undefined,
      logger: silentLogger,
      batchSize,
      probeIntervalMs: 20,
    });
  return { db, journal, source, jobId, events, engine };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const keys = (n: number) => Array.from({ length: n }, (_, i) => `e${i}`);

describe('replay engine', () => {
  it('moves every step once, in plan order, and reports progress to COMPLETED', async () => {
    const { source, jobId, events, engine } = setup(keys(95));
    const run = engine();
    run.start(jobId);
    await run.settled(jobId);
    expect(source.delivered).toEqual(keys(95));
    expect(run.view(jobId)).toMatchObject({
      status: 'COMPLETED',
      moved: 95,
      skipped: 0,
      total: 95,
    });
    expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', moved: 95 });
  });

  it('counts entries that left the store meanwhile as skipped, not moved', async () => {
    const { source, jobId, engine } = setup(keys(10));
    source.dead.delete('e3');
    const run = engine();
    run.start(jobId);
    await run.settled(jobId);
    expect(run.view(jobId)).toMatchObject({ status: 'COMPLETED', moved: 9, skipped: 1 });
  });

  it('pauses with the cause while the server is down and resumes by itself when it returns', async () => {
    const { source, jobId, events, engine } = setup(keys(50));
    source.down = true;
    const run = engine();
    run.start(jobId);
    await until(() => run.view(jobId).status === 'PAUSED');
    expect(run.view(jobId).cause).toBe('Redis unavailable: connection refused');
    expect(
      events.some((e) => e.status === 'PAUSED' && e.cause?.includes('connection refused')),
    ).toBe(true);
    source.down = false;
    await run.settled(jobId);
    expect(run.view(jobId)).toMatchObject({ status: 'COMPLETED', moved: 50, cause: null });
    expect(source.delivered).toHaveLength(50);
  });

  it('pauses and resumes on request; cancel keeps what moved and leaves the rest dead', async () => {
    const { source, jobId, engine } = setup(keys(200), 500);
    const run = engine();
    run.start(jobId);
    await until(() => source.delivered.length >= 20);
    run.pause(jobId);
    await run.settled(jobId);
    expect(run.view(jobId)).toMatchObject({ status: 'PAUSED', cause: 'operator' });
    const movedWhilePausing = source.delivered.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(source.delivered).toHaveLength(movedWhilePausing);
    run.resume(jobId);
    await until(() => source.delivered.length >= movedWhilePausing + 20);
    run.cancel(jobId);
    await run.settled(jobId);
    const job = run.view(jobId);
    expect(job.status).toBe('CANCELLED');
    expect(job.moved).toBe(source.delivered.length);
    expect(job.moved).toBeLessThan(200);
    expect(source.dead.size).toBe(200 - job.moved);
  });

  it('holds the rate limit', async () => {
    const { jobId, engine } = setup(keys(60), 200);
    const run = engine(100);
    const started = Date.now();
    run.start(jobId);
    await run.settled(jobId);
    // 60 entries at 200/s: at least ~0.25 s (the first batch starts at once).
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(run.view(jobId)).toMatchObject({ status: 'COMPLETED', moved: 60, ratePerSecond: 200 });
  });

  it('after a crash, moves the steps that were in flight again first, then the rest', async () => {
    const { journal, source, jobId, engine } = setup(keys(30));
    // A previous process handed e0..e9 over and died before recording the outcome;
    // the store had in fact moved e0..e4.
    journal.markSending(jobId, journal.pending(jobId, 10, plan));
    for (const key of keys(5)) {
      source.dead.delete(key);
      source.delivered.push(key);
    }
    const run = engine();
    run.resumeInterrupted();
    await run.settled(jobId);
    expect(source.delivered).toEqual(keys(30));
    expect(run.view(jobId)).toMatchObject({ status: 'COMPLETED', moved: 25, skipped: 5 });
    expect(journal.stepStates(jobId)).toEqual({ delivered: 25, gone: 5 });
  });

  it('a job cancelled while steps were in flight settles them before it ends', async () => {
    const { journal, source, jobId, engine } = setup(keys(30));
    journal.markSending(jobId, journal.pending(jobId, 10, plan));
    journal.setStatus(jobId, 'CANCELLING');
    const run = engine();
    run.resumeInterrupted();
    await run.settled(jobId);
    expect(run.view(jobId)).toMatchObject({ status: 'CANCELLED', moved: 10 });
    expect(source.delivered).toEqual(keys(10));
    expect(journal.stepStates(jobId)).toEqual({ delivered: 10, pending: 20 });
  });

  it('a cancel or a pause while a batch is in flight hands over nothing read ahead', async () => {
    for (const request of ['cancel', 'pause'] as const) {
      const { journal, source, jobId, engine } = setup(keys(40));
      // A crash left e0..e14 in flight: a cancel must still settle e10..e14, and nothing after
      // (the batch read ahead, e10..e19, reaches beyond them).
      journal.markSending(jobId, journal.pending(jobId, 15, plan));
      let open = (): void => undefined;
      source.gate = new Promise((resolve) => (open = resolve));
      const run = engine();
      run.start(jobId);
      await until(() => source.moveCalls === 1);
      // The next batch has been read from the journal by now, while e0..e9 are in flight.
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (request === 'cancel') run.cancel(jobId);
      else run.pause(jobId);
      open();
      await run.settled(jobId);
      if (request === 'cancel') {
        expect(source.delivered).toEqual(keys(15));
        expect(run.view(jobId)).toMatchObject({ status: 'CANCELLED', moved: 15 });
        expect(journal.stepStates(jobId)).toEqual({ delivered: 15, pending: 25 });
      } else {
        expect(source.moveCalls).toBe(1);
        expect(source.delivered).toEqual(keys(10));
        expect(run.view(jobId)).toMatchObject({ status: 'PAUSED', moved: 10 });
        expect(journal.stepStates(jobId)).toEqual({ delivered: 10, sending: 5, pending: 25 });
      }
    }
  });

  it('batches read ahead keep the resent mark of a longer batch a crash left in flight', async () => {
    const { journal, source, jobId, engine } = setup(keys(40));
    journal.markSending(jobId, journal.pending(jobId, 25, plan));
    const run = engine(10);
    run.resumeInterrupted();
    await run.settled(jobId);
    expect(source.resentSteps).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(source.delivered).toEqual(keys(40));
    expect(run.view(jobId)).toMatchObject({ status: 'COMPLETED', moved: 40 });
    expect(journal.stepStates(jobId)).toEqual({ delivered: 40 });
  });

  it('drops plans a crash cut short before they were complete', async () => {
    const { db, journal, engine } = setup(keys(1));
    journal.beginPlan(
      {
        id: '00000000-0000-4000-8000-000000000002',
        environmentId: '00000000-0000-4000-8000-0000000000e1',
        sourceId: '00000000-0000-4000-8000-0000000000a1',
        sourceName: 'fake',
        ratePerSecond: null,
        operator: 'tester',
      },
      plan,
    );
    const run = engine();
    run.resumeInterrupted();
    expect(db.prepare('SELECT count(*) FROM dl_jobs WHERE planned = 0').pluck().get()).toBe(0);
    await run.settled('00000000-0000-4000-8000-000000000001');
  });
});
