import { SluiceError, type ReplayJob } from '@shared/contract';
import type { Logger } from '@shared/log/logger';
import { OutageError, describeError } from '../faults';
import type { DeadLetterSource, MoveItem } from '../source';
import { isFinal, jobView, type JobRecord, type ReplayJournal } from './journal';
import { RateLimiter, ThroughputMeter } from './rateLimiter';

export interface ReplayEngineDeps {
  journal: ReplayJournal;
  /** The source a job moves from; throws when it no longer exists. */
  sourceFor(sourceId: string): Promise<DeadLetterSource>;
  emitJob(job: ReplayJob): void;
  /** Entries of a source moved: lists and counts should refetch. */
  emitMoved(environmentId: string, sourceId: string): void;
  logger: Logger;
  /** Entries per batch at most. */
  batchSize?: number;
  /** First wait between probes while a server is down; doubles up to 5 s. */
  probeIntervalMs?: number;
}

/** The in-memory side of a running job: operator requests and the loop's wake-up. */
interface Control {
  pause: boolean;
  cancel: boolean;
  /** The process is closing: leave the job as it is for the next start. */
  stopping: boolean;
  meter: ThroughputMeter;
  wake: () => void;
  done: Promise<void>;
}

const EMIT_EVERY_MS = 250;
const MOVED_EVENT_EVERY_MS = 1000;

/**
 * Runs replay jobs from their journal. Each batch: mark its steps "sending",
 * move them (one atomic unit per source), then record every outcome in one
 * transaction. Outages pause the job until a probe succeeds; a crash leaves
 * "sending" steps that the next start moves again first, which every source
 * makes safe.
 */
export class ReplayEngine {
  private readonly controls = new Map<string, Control>();
  private readonly lastEmit = new Map<string, number>();
  private readonly lastMovedEvent = new Map<string, number>();
  private readonly batchSize: number;
  private readonly probeIntervalMs: number;

  constructor(private readonly deps: ReplayEngineDeps) {
    this.batchSize = deps.batchSize ?? 2000;
    this.probeIntervalMs = deps.probeIntervalMs ?? 500;
  }

  view(jobId: string): ReplayJob {
    const job = this.deps.journal.get(jobId);
    if (!job) throw new SluiceError('NOT_FOUND', `no replay job with id ${jobId}`);
    return jobView(job, this.controls.get(jobId)?.meter.perSecond() ?? 0);
  }

  private emit(jobId: string, force: boolean): void {
    const now = Date.now();
    if (!force && now - (this.lastEmit.get(jobId) ?? 0) < EMIT_EVERY_MS) return;
    this.lastEmit.set(jobId, now);
    try {
      this.deps.emitJob(this.view(jobId));
    } catch (error) {
      this.deps.logger.warn('replay progress event failed', { jobId, error });
    }
  }

  private emitMoved(job: JobRecord, force: boolean): void {
    const now = Date.now();
    if (!force && now - (this.lastMovedEvent.get(job.id) ?? 0) < MOVED_EVENT_EVERY_MS) return;
    this.lastMovedEvent.set(job.id, now);
    this.deps.emitMoved(job.environmentId, job.sourceId);
  }

  /** Starts the loop of a job whose status is RUNNING or CANCELLING. */
  start(jobId: string): void {
    if (this.controls.has(jobId)) return;
    const job = this.deps.journal.get(jobId);
    if (!job) throw new SluiceError('NOT_FOUND', `no replay job with id ${jobId}`);
    let wake = (): void => undefined;
    const control: Control = {
      pause: false,
      cancel: job.status === 'CANCELLING',
      stopping: false,
      meter: new ThroughputMeter(),
      wake: () => wake(),
      done: Promise.resolve(),
    };
    const sleep = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    this.controls.set(jobId, control);
    control.done = this.loop(jobId, control, sleep)
      .catch((error: unknown) => {
        this.deps.logger.error('replay loop failed', { jobId, error });
        this.deps.journal.setStatus(jobId, 'FAILED', { failureReason: describeError(error) });
      })
      .finally(() => {
        this.controls.delete(jobId);
        this.emit(jobId, true);
      });
    this.emit(jobId, true);
  }

  pause(jobId: string): ReplayJob {
    const job = this.require(jobId);
    const control = this.controls.get(jobId);
    if (job.status === 'RUNNING' && control) {
      control.pause = true;
      control.wake();
    } else if (job.status === 'PAUSED' && job.pausedBy === 'outage') {
      if (control) {
        control.pause = true;
        control.wake();
      } else
        this.deps.journal.setStatus(jobId, 'PAUSED', { pausedBy: 'operator', cause: 'operator' });
    } else if (job.status !== 'PAUSED') {
      throw new SluiceError('CONFLICT', `a ${job.status} job cannot be paused`);
    }
    return this.view(jobId);
  }

  resume(jobId: string): ReplayJob {
    const job = this.require(jobId);
    if (job.status === 'RUNNING' && this.controls.has(jobId)) return this.view(jobId);
    if (job.status !== 'PAUSED' && job.status !== 'FAILED' && job.status !== 'RUNNING') {
      throw new SluiceError('CONFLICT', `a ${job.status} job cannot be resumed`);
    }
    const control = this.controls.get(jobId);
    if (control) {
      // Paused for an outage and still probing: try again right now.
      control.pause = false;
      control.wake();
      return this.view(jobId);
    }
    this.deps.journal.setStatus(jobId, 'RUNNING');
    this.start(jobId);
    return this.view(jobId);
  }

  cancel(jobId: string): ReplayJob {
    const job = this.require(jobId);
    if (isFinal(job.status)) throw new SluiceError('CONFLICT', `the job is ${job.status} already`);
    this.deps.journal.setStatus(jobId, 'CANCELLING');
    const control = this.controls.get(jobId);
    if (control) {
      control.cancel = true;
      control.wake();
    } else this.start(jobId);
    return this.view(jobId);
  }

  /** At start-up: continue what a crash or a restart interrupted. */
  resumeInterrupted(): void {
    const dropped = this.deps.journal.dropUnplanned();
    if (dropped > 0)
      this.deps.logger.info('dropped replay plans interrupted while planning', { dropped });
    for (const job of this.deps.journal.unfinished()) {
      if (job.status === 'PAUSED' && job.pausedBy === 'operator') continue;
      if (job.status === 'PAUSED') this.deps.journal.setStatus(job.id, 'RUNNING');
      this.start(job.id);
    }
  }

  /** Stops every loop after its current batch, leaving the jobs to resume at the next start. */
  async stop(): Promise<void> {
    const controls = [...this.controls.values()];
    for (const control of controls) {
      control.stopping = true;
      control.wake();
    }
    await Promise.all(controls.map((control) => control.done));
  }

  /** Waits for the loop of a job to end (tests, shutdown). */
  async settled(jobId: string): Promise<void> {
    await this.controls.get(jobId)?.done;
  }

  private require(jobId: string): JobRecord {
    const job = this.deps.journal.get(jobId);
    if (!job) throw new SluiceError('NOT_FOUND', `no replay job with id ${jobId}`);
    return job;
  }

  private async loop(
    jobId: string,
    control: Control,
    sleep: (ms: number) => Promise<void>,
  ): Promise<void> {
    const { journal } = this.deps;
    const job = this.require(jobId);
    let source: DeadLetterSource;
    try {
      source = await this.deps.sourceFor(job.sourceId);
    } catch (error) {
      journal.setStatus(jobId, 'FAILED', {
        failureReason: `source unavailable: ${describeError(error)}`,
      });
      return;
    }
    const limiter = new RateLimiter(job.ratePerSecond);
    // The next batch, read from the journal while the servers worked on the current one.
    let prefetched: MoveItem[] | null = null;
    for (;;) {
      if (control.stopping) return;
      if (control.cancel && !journal.hasSending(jobId)) {
        journal.setStatus(jobId, 'CANCELLED');
        await this.finish(source, jobId);
        this.emitMoved(job, true);
        return;
      }
      if (control.pause) {
        journal.setStatus(jobId, 'PAUSED', { pausedBy: 'operator', cause: 'operator' });
        return;
      }
      // Cancelling: only what was handed over before is finished, nothing new starts.
      const items: MoveItem[] =
        prefetched !== null && !control.cancel
          ? prefetched
          : journal.pending(jobId, limiter.batchSize(this.batchSize), job.plan, {
              onlySending: control.cancel,
            });
      prefetched = null;
      if (items.length === 0) {
        journal.setStatus(jobId, 'COMPLETED');
        await this.finish(source, jobId);
        this.emitMoved(job, true);
        return;
      }
      const delay = limiter.delayFor(items.length);
      if (delay > 0) {
        await sleep(delay);
        if (control.stopping || control.pause || control.cancel) continue;
      }
      journal.markSending(jobId, items);
      // Settled as a value at once: a rejection is handled even while the journal is read below.
      const moving = source.move(jobId, items).then(
        (outcomes) => ({ outcomes, error: null }),
        (error: unknown) => ({ outcomes: null, error }),
      );
      // Let the move reach the server, then read the next batch while it works. Reading
      // is all this does: the next batch is marked "sending" only when it is handed over.
      await new Promise((resolve) => setImmediate(resolve));
      const last: number = items[items.length - 1]!.step;
      const next: MoveItem[] | null = control.cancel
        ? null
        : journal.pending(jobId, limiter.batchSize(this.batchSize), job.plan, { after: last });
      const { outcomes, error } = await moving;
      if (outcomes === null) {
        if (!(error instanceof OutageError)) {
          journal.setStatus(jobId, 'FAILED', { failureReason: describeError(error) });
          return;
        }
        // Cancelling waits too: steps already handed over must be settled first.
        if (control.cancel) journal.setStatus(jobId, 'CANCELLING', { cause: error.message });
        else journal.setStatus(jobId, 'PAUSED', { pausedBy: 'outage', cause: error.message });
        this.emit(jobId, true);
        const recovered = await this.waitForRecovery(jobId, source, control, sleep);
        if (recovered) {
          journal.setStatus(jobId, control.cancel ? 'CANCELLING' : 'RUNNING');
          limiter.reset();
          this.emit(jobId, true);
        }
        continue;
      }
      journal.transaction(() => {
        journal.record(jobId, items, outcomes);
        source.settle?.(jobId, items, outcomes);
      });
      prefetched = next;
      control.meter.add(outcomes.filter((o) => o.state === 'delivered').length);
      this.emit(jobId, false);
      this.emitMoved(job, false);
    }
  }

  /** Probes until the servers answer (true) or the operator or shutdown intervenes (false). */
  private async waitForRecovery(
    jobId: string,
    source: DeadLetterSource,
    control: Control,
    sleep: (ms: number) => Promise<void>,
  ): Promise<boolean> {
    let wait = this.probeIntervalMs;
    const interrupted = (): boolean =>
      control.stopping || control.pause || (control.cancel && !this.deps.journal.hasSending(jobId));
    for (;;) {
      if (interrupted()) return false;
      await sleep(wait);
      if (interrupted()) return false;
      try {
        await source.probe();
        return true;
      } catch {
        wait = Math.min(wait * 2, 5000);
      }
    }
  }

  private async finish(source: DeadLetterSource, jobId: string): Promise<void> {
    // Markers stay while an outcome is unknown: a later move must still find them.
    if (this.deps.journal.hasSending(jobId)) return;
    try {
      await source.finishJob(jobId);
    } catch (error) {
      this.deps.logger.warn('could not clean up after a replay job', {
        jobId,
        error: describeError(error),
      });
    }
  }
}
