import type { Db } from '../../store/database';

export const MINUTE_MS = 60_000;

export interface RetentionOptions {
  /** Raw samples older than this are deleted (once rolled up). Default 6 h. */
  rawRetentionMs?: number;
  /** Minute roll-ups older than this are deleted. Default 7 d. */
  rollupRetentionMs?: number;
  /** Rows per DELETE; each batch is its own short transaction. */
  batchSize?: number;
  /** Upper bound of batches per table per run, so a backlog is worked off over several runs. */
  maxBatchesPerRun?: number;
  /** Minutes rolled up per run at most. */
  maxMinutesPerRun?: number;
  now?: () => number;
}

export interface RetentionRun {
  minutesRolledUp: number;
  rawDeleted: number;
  rollupsDeleted: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Keeps the history bounded without ever holding the database for long:
 * completed minutes are rolled up one minute per statement, and old rows go in
 * batches of a few hundred, each its own transaction, with the event loop
 * free between them (the main process also serves the UI).
 */
export class HistoryRetention {
  readonly rawRetentionMs: number;
  readonly rollupRetentionMs: number;
  private readonly batchSize: number;
  private readonly maxBatchesPerRun: number;
  private readonly maxMinutesPerRun: number;
  private readonly now: () => number;
  /** Start of the next minute to roll up; null until read from the store. */
  private nextMinute: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionRun> | null = null;
  private stopped = false;

  private readonly rollUpMinute;
  private readonly firstSampleFrom;
  private readonly deleteRaw;
  private readonly deleteRollups;

  constructor(
    private readonly db: Db,
    options: RetentionOptions = {},
  ) {
    this.rawRetentionMs = options.rawRetentionMs ?? 6 * 60 * MINUTE_MS;
    this.rollupRetentionMs = options.rollupRetentionMs ?? 7 * 24 * 60 * MINUTE_MS;
    this.batchSize = options.batchSize ?? 500;
    this.maxBatchesPerRun = options.maxBatchesPerRun ?? 40;
    this.maxMinutesPerRun = options.maxMinutesPerRun ?? 60;
    this.now = options.now ?? Date.now;
    this.rollUpMinute = db.prepare<{ from: number; to: number }>(
      `INSERT INTO monitoring_rollups (series_id, minute, count, sum, min, max)
         SELECT series_id, @from, count(*), sum(value), min(value), max(value)
           FROM monitoring_samples WHERE at >= @from AND at < @to GROUP BY series_id
       ON CONFLICT (series_id, minute) DO UPDATE SET count = excluded.count,
         sum = excluded.sum, min = excluded.min, max = excluded.max`,
    );
    this.firstSampleFrom = db.prepare<[number], { at: number | null }>(
      'SELECT min(at) AS at FROM monitoring_samples WHERE at >= ?',
    );
    this.deleteRaw = db.prepare<[number, number]>(
      `DELETE FROM monitoring_samples WHERE rowid IN
         (SELECT rowid FROM monitoring_samples WHERE at < ? LIMIT ?)`,
    );
    this.deleteRollups = db.prepare<[number, number]>(
      `DELETE FROM monitoring_rollups WHERE (series_id, minute) IN
         (SELECT series_id, minute FROM monitoring_rollups WHERE minute < ? LIMIT ?)`,
    );
  }

  /** The end of the last rolled-up minute: raw samples before it are summarised. */
  rolledUpUntil(): number {
    if (this.nextMinute === null) {
      const row = this.db.prepare('SELECT max(minute) AS minute FROM monitoring_rollups').get() as {
        minute: number | null;
      };
      if (row.minute !== null) this.nextMinute = row.minute + MINUTE_MS;
      else {
        const first = this.firstSampleFrom.get(0)?.at ?? null;
        this.nextMinute =
          first === null ? this.currentMinute() : Math.floor(first / MINUTE_MS) * MINUTE_MS;
      }
    }
    return this.nextMinute;
  }

  private currentMinute(): number {
    return Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
  }

  /** Rolls up minutes that are over (with one minute of grace for late writes). */
  async rollUp(): Promise<number> {
    let minute = this.rolledUpUntil();
    const until = this.currentMinute() - MINUTE_MS;
    let done = 0;
    while (minute < until && done < this.maxMinutesPerRun && !this.stopped) {
      const first = this.firstSampleFrom.get(minute)?.at ?? null;
      if (first === null || first >= until) {
        // Nothing to roll up before `until`: skip the empty stretch at once.
        minute = until;
        break;
      }
      minute = Math.max(minute, Math.floor(first / MINUTE_MS) * MINUTE_MS);
      this.rollUpMinute.run({ from: minute, to: minute + MINUTE_MS });
      minute += MINUTE_MS;
      done += 1;
      this.nextMinute = minute;
      await yieldToEventLoop();
    }
    this.nextMinute = minute;
    return done;
  }

  private async deleteInBatches(
    statement: { run(cutoff: number, limit: number): { changes: number } },
    cutoff: number,
  ): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < this.maxBatchesPerRun && !this.stopped; batch += 1) {
      const { changes } = statement.run(cutoff, this.batchSize);
      total += changes;
      if (changes < this.batchSize) break;
      await yieldToEventLoop();
    }
    return total;
  }

  async pruneRaw(): Promise<number> {
    // Never drop a raw sample whose minute is not rolled up yet.
    const cutoff = Math.min(this.now() - this.rawRetentionMs, this.rolledUpUntil());
    return this.deleteInBatches(this.deleteRaw, cutoff);
  }

  async pruneRollups(): Promise<number> {
    return this.deleteInBatches(this.deleteRollups, this.now() - this.rollupRetentionMs);
  }

  /** One maintenance pass; concurrent calls share the running one. */
  runOnce(): Promise<RetentionRun> {
    this.running ??= (async () => {
      try {
        const minutesRolledUp = await this.rollUp();
        const rawDeleted = await this.pruneRaw();
        const rollupsDeleted = await this.pruneRollups();
        return { minutesRolledUp, rawDeleted, rollupsDeleted };
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  start(intervalMs: number, onError: (error: unknown) => void): void {
    if (this.timer || this.stopped) return;
    const schedule = (): void => {
      this.timer = setTimeout(() => {
        this.runOnce()
          .catch(onError)
          .finally(() => {
            if (!this.stopped) schedule();
          });
      }, intervalMs);
      this.timer.unref?.();
    };
    schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
