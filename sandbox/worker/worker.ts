import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from '@shared/log/logger';
import { silentLogger } from '@shared/log/logger';
import { createPgPool, createRedis, execChecked } from '../common/clients';
import type { RedisConnection } from '../common/clients';
import { errorClass, errorMessage } from '../common/errors';
import { queueKeys } from '../common/names';
import type { QueueKeys } from '../common/names';
import { backoffDelay, sleep } from '../common/time';
import { parseEntry } from '../schema/document';
import type { Write } from '../schema/document';
import { applyIsolating, upsertInTransaction } from '../schema/documents';
import type { Isolation } from '../schema/documents';
import { BatchSource } from './batchSource';
import { buildEnvelope } from './envelope';

export interface WorkerOptions {
  redis: RedisConnection;
  postgresUrl: string;
  queue?: string;
  batchSize?: number;
  batchTimeoutMs?: number;
  idleBlockMs?: number;
  /** Retries of a failed batch after the first attempt. */
  maxRetries?: number;
  /** First backoff; then doubled: 1 s, 2 s, 4 s by default. */
  retryBaseMs?: number;
  statementTimeoutMs?: number;
  logger?: Logger;
}

export interface WorkerCounters {
  batches: number;
  processed: number;
  failed: number;
  retries: number;
  recovered: number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  pending: number;
  error: unknown;
}

interface Entry {
  raw: Buffer;
  id: string;
  firstFailedAt: Date | null;
}

/** The writes of one key in a batch, oldest first; only the last one is applied. */
interface KeyGroup {
  write: Write;
  entries: Entry[];
}

/**
 * Moves writes from the Redis queue into PostgreSQL in batches. Every popped
 * entry sits in the processing list until it is committed (then removed) or
 * dead-lettered (then moved to write_queue:dead in the same MULTI), so a
 * worker killed at any point loses nothing: the next start recovers the
 * processing list. Emits 'batch', 'retry' and 'recovered'.
 */
export class Worker extends EventEmitter {
  readonly counters: WorkerCounters = {
    batches: 0,
    processed: 0,
    failed: 0,
    retries: 0,
    recovered: 0,
  };
  private readonly keys: QueueKeys;
  private readonly redis: Redis;
  private readonly blocking: Redis;
  private readonly pool: pg.Pool;
  private readonly source: BatchSource;
  private readonly logger: Logger;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private loop: Promise<void> | null = null;
  private readonly stopSignal = new AbortController();
  private pausedGate: { promise: Promise<void>; release: () => void } | null = null;

  constructor(private readonly options: WorkerOptions) {
    super();
    this.keys = queueKeys(options.queue);
    const idleBlockMs = options.idleBlockMs ?? 1000;
    const batchTimeoutMs = options.batchTimeoutMs ?? 50;
    this.redis = createRedis(options.redis, 'sandbox-worker');
    this.blocking = createRedis(
      options.redis,
      'sandbox-worker-pop',
      Math.max(idleBlockMs, batchTimeoutMs),
    );
    this.pool = createPgPool(options.postgresUrl, {
      max: 2,
      applicationName: 'sandbox-worker',
      statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
    });
    this.source = new BatchSource(this.blocking, this.redis, this.keys, {
      batchSize: options.batchSize ?? 100,
      batchTimeoutMs,
      idleBlockMs,
    });
    this.logger = options.logger ?? silentLogger;
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
  }

  get paused(): boolean {
    return this.pausedGate !== null;
  }

  get running(): boolean {
    return this.loop !== null;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    await Promise.all([this.redis.connect(), this.blocking.connect()]);
    const recovered = await this.source.recover();
    this.counters.recovered += recovered;
    if (recovered > 0) {
      this.logger.warn('worker recovered entries from the processing list', { recovered });
      this.emit('recovered', recovered);
    }
    this.loop = this.run();
  }

  /** Takes effect after the batch in hand. */
  pause(): void {
    if (this.pausedGate) return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.pausedGate = { promise, release };
  }

  resume(): void {
    const gate = this.pausedGate;
    this.pausedGate = null;
    gate?.release();
  }

  /**
   * Finishes the batch in hand (a backoff in progress is cut short and its
   * entries stay in the processing list for the next start), then closes.
   */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    this.resume();
    await this.loop;
    this.loop = null;
    this.redis.disconnect();
    this.blocking.disconnect();
    await this.pool.end();
  }

  private get stopping(): boolean {
    return this.stopSignal.signal.aborted;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      if (this.pausedGate) {
        await this.pausedGate.promise;
        continue;
      }
      try {
        const batch = await this.source.next();
        failures = 0;
        if (batch.length > 0) await this.process(batch);
      } catch (error) {
        if (this.stopping) break;
        failures += 1;
        const delay = backoffDelay(failures, 200, 5000);
        this.logger.warn('worker cannot read the queue', {
          error: errorMessage(error),
          retryInMs: delay,
        });
        await sleep(delay, this.stopSignal.signal);
      }
    }
  }

  private async process(batch: Buffer[]): Promise<void> {
    const started = Date.now();
    const before = { processed: this.counters.processed, failed: this.counters.failed };
    const groups = new Map<string, KeyGroup>();
    for (const raw of batch) {
      const validation = parseEntry(raw);
      if (!validation.ok) {
        const now = new Date();
        await this.deadLetter([{ raw, id: validation.id, firstFailedAt: now }], {
          errorClass: validation.errorClass,
          message: validation.message,
          attempts: 1,
          at: now,
        });
        continue;
      }
      const entry: Entry = { raw, id: validation.write.id, firstFailedAt: null };
      const group = groups.get(validation.write.key);
      if (group) {
        group.write = validation.write;
        group.entries.push(entry);
      } else {
        groups.set(validation.write.key, { write: validation.write, entries: [entry] });
      }
    }
    await this.store([...groups.values()]);
    this.counters.batches += 1;
    this.emit('batch', {
      size: batch.length,
      processed: this.counters.processed - before.processed,
      failed: this.counters.failed - before.failed,
      ms: Date.now() - started,
    });
  }

  /**
   * Upserts the groups. A document PostgreSQL refuses is dead-lettered at
   * once; a failure of the whole batch is retried with exponential backoff
   * and dead-lettered after MAX_RETRIES.
   */
  private async store(initial: KeyGroup[]): Promise<void> {
    let pending = initial;
    let attempt = 1;
    while (pending.length > 0) {
      const outcome: Isolation<KeyGroup> = { committed: [], rejected: [] };
      let batchError: unknown = null;
      try {
        await applyIsolating(
          pending,
          (groups) =>
            upsertInTransaction(
              this.pool,
              groups.map((group) => group.write),
            ),
          outcome,
        );
      } catch (error) {
        batchError = error;
      }
      const now = new Date();
      await this.acknowledge(outcome.committed.flatMap((group) => group.entries));
      const retryLater: KeyGroup[] = [];
      for (const { item, error } of outcome.rejected) {
        // The last write of the key is the one PostgreSQL refused; earlier ones still count.
        const last = item.entries[item.entries.length - 1]!;
        last.firstFailedAt ??= now;
        await this.deadLetter([last], {
          errorClass: errorClass(error),
          message: errorMessage(error),
          attempts: attempt,
          at: now,
        });
        const earlier = item.entries.slice(0, -1);
        const previous = earlier[earlier.length - 1];
        if (previous) {
          const write = parseEntry(previous.raw);
          if (write.ok) retryLater.push({ write: write.write, entries: earlier });
        }
      }
      const done = new Set([...outcome.committed, ...outcome.rejected.map((r) => r.item)]);
      const untouched = pending.filter((group) => !done.has(group));
      pending = [...untouched, ...retryLater];
      if (batchError === null || untouched.length === 0) continue;

      for (const group of untouched) for (const entry of group.entries) entry.firstFailedAt ??= now;
      if (attempt > this.maxRetries) {
        await this.deadLetter(
          untouched.flatMap((group) => group.entries),
          {
            errorClass: errorClass(batchError),
            message: errorMessage(batchError),
            attempts: attempt,
            at: now,
          },
        );
        pending = retryLater;
        continue;
      }
      const delayMs = backoffDelay(attempt, this.retryBaseMs);
      this.counters.retries += 1;
      const event: RetryEvent = { attempt, delayMs, pending: untouched.length, error: batchError };
      this.emit('retry', event);
      this.logger.warn('worker batch failed, retrying', {
        attempt,
        delayMs,
        pending: untouched.length,
        error: errorMessage(batchError),
      });
      await sleep(delayMs, this.stopSignal.signal);
      // Stopping: the entries stay in the processing list for the next start.
      if (this.stopping) return;
      attempt += 1;
    }
  }

  /** Removes committed entries from the processing list; retried until Redis takes it. */
  private async acknowledge(entries: Entry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.untilRedisAnswers('acknowledge', async () => {
      const multi = this.redis.multi();
      for (const entry of entries) multi.lrem(this.keys.processing, 1, entry.raw);
      multi.hincrby(this.keys.stats, 'processed', entries.length);
      await execChecked(multi);
    });
    this.counters.processed += entries.length;
  }

  private async deadLetter(
    entries: Entry[],
    failure: { errorClass: string; message: string; attempts: number; at: Date },
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.untilRedisAnswers('dead-letter', async () => {
      const multi = this.redis.multi();
      for (const entry of entries) {
        const envelope = buildEnvelope(entry.raw, {
          id: entry.id,
          error_class: failure.errorClass,
          error_message: failure.message,
          attempts: failure.attempts,
          first_failed_at: (entry.firstFailedAt ?? failure.at).toISOString(),
          last_failed_at: failure.at.toISOString(),
          source_queue: this.keys.queue,
        });
        multi.lpush(this.keys.dead, JSON.stringify(envelope));
        multi.lrem(this.keys.processing, 1, entry.raw);
      }
      multi.hincrby(this.keys.stats, 'failed', entries.length);
      await execChecked(multi);
    });
    this.counters.failed += entries.length;
  }

  private async untilRedisAnswers(what: string, run: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await run();
        return;
      } catch (error) {
        // Stopping with Redis down: the entries stay in processing; a replayed write is skipped.
        if (this.stopping) throw error;
        const delay = backoffDelay(attempt, 200, 5000);
        this.logger.warn(`worker cannot ${what}`, { error: errorMessage(error), retryInMs: delay });
        await sleep(delay, this.stopSignal.signal);
      }
    }
  }
}
