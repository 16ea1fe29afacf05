import type { ConnectionFailureCause, ServiceKind } from '@shared/contract';
import { exponentialBackoff } from '@shared/net/backoff';

/** What a failed poll looks like to the operator. */
export interface ProbeFailure {
  cause: ConnectionFailureCause;
  message: string;
}

/** One thing a poller polls: a Redis server, a Kafka cluster, a PostgreSQL database. */
export interface Probe<S> {
  readonly kind: ServiceKind;
  /** Takes one sample. Every network call inside has its own timeout too. */
  poll(now: number): Promise<S>;
  /** Turns whatever poll() threw into operator words (never a secret). */
  describeFailure(error: unknown): ProbeFailure;
  /** Drops the connection so the next poll starts afresh (after a failure or timeout). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface PollerHealth {
  state: 'starting' | 'up' | 'down';
  /** When the current state began (ms). */
  since: number;
  failure: ProbeFailure | null;
  lastSampleAt: number | null;
  lastDurationMs: number | null;
  skippedTicks: number;
  consecutiveFailures: number;
  nextAttemptAt: number | null;
}

export interface BackoffOptions {
  /** First retry delay after a failure. */
  initialMs: number;
  /** Ceiling of the doubling delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000 };

export interface PollerOptions<S> {
  probe: Probe<S>;
  intervalMs: number;
  /** A poll that takes longer fails with cause "timeout" and its connection is dropped. */
  timeoutMs: number;
  backoff?: BackoffOptions;
  onSample(sample: S, at: number): void;
  onHealth(health: PollerHealth): void;
  now?: () => number;
}

/** Delay before retry number `failures` (1-based): doubling from initialMs, capped, ±20 % jitter. */
export function backoffDelay(
  failures: number,
  options: BackoffOptions,
  random = Math.random,
): number {
  return exponentialBackoff(failures, { ...options, jitter: 0.2, random });
}

class PollTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the poll took longer than ${timeoutMs} ms`);
    this.name = 'PollTimeoutError';
  }
}

/**
 * Polls one probe on a fixed-rate tick. A tick that finds the previous poll
 * still running is skipped (counted), so a poll never overlaps itself; a poll
 * that outlives its timeout is abandoned and its connection dropped; after a
 * failure, ticks are skipped until a doubling backoff delay has passed. The
 * probe's failures never escape: they become its health.
 */
export class ProbePoller<S> {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  /** Bumped per poll, so the result of an abandoned poll is ignored. */
  private generation = 0;
  private readonly now: () => number;
  private readonly backoff: BackoffOptions;
  private health: PollerHealth;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly options: PollerOptions<S>) {
    this.now = options.now ?? Date.now;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.health = {
      state: 'starting',
      since: this.now(),
      failure: null,
      lastSampleAt: null,
      lastDurationMs: null,
      skippedTicks: 0,
      consecutiveFailures: 0,
      nextAttemptAt: null,
    };
  }

  get kind(): ServiceKind {
    return this.options.probe.kind;
  }

  get intervalMs(): number {
    return this.options.intervalMs;
  }

  currentHealth(): PollerHealth {
    return { ...this.health };
  }

  /** True while a poll is running (for tests that need to act mid-poll). */
  get polling(): boolean {
    return this.running;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.options.onHealth(this.currentHealth());
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref?.();
  }

  /** Runs one poll now unless one is running; resolves when it ends. */
  pollNow(): Promise<void> {
    if (this.running && this.inFlight) return this.inFlight;
    return this.runPoll();
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.health.skippedTicks += 1;
      return;
    }
    const next = this.health.nextAttemptAt;
    if (next !== null && this.now() < next) return;
    void this.runPoll();
  }

  private runPoll(): Promise<void> {
    this.running = true;
    const generation = ++this.generation;
    const startedAt = this.now();
    const work = this.withTimeout(this.options.probe.poll(startedAt));
    const done = work.then(
      (sample) => {
        if (generation !== this.generation || this.stopped) return;
        const at = this.now();
        this.succeeded(at, at - startedAt);
        try {
          this.options.onSample(sample, at);
        } catch {
          // A consumer of samples failing must not stop the monitor; it logs its own errors.
        }
      },
      async (error: unknown) => {
        if (generation !== this.generation || this.stopped) return;
        // Describe first: the probe may read its connection's state.
        const failure = this.describe(error);
        await this.options.probe.reset().catch(() => undefined);
        this.failed(failure, this.now() - startedAt);
      },
    );
    this.inFlight = done.finally(() => {
      if (generation === this.generation) {
        this.running = false;
        this.inFlight = null;
      }
    });
    return this.inFlight;
  }

  private withTimeout(work: Promise<S>): Promise<S> {
    const { timeoutMs } = this.options;
    return new Promise<S>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PollTimeoutError(timeoutMs)), timeoutMs);
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private describe(error: unknown): ProbeFailure {
    if (error instanceof PollTimeoutError) {
      return {
        cause: 'timeout',
        message: `no answer within ${Number((error.timeoutMs / 1000).toFixed(1))} s`,
      };
    }
    try {
      return this.options.probe.describeFailure(error);
    } catch {
      return { cause: 'unknown', message: 'the poll failed' };
    }
  }

  private succeeded(at: number, durationMs: number): void {
    const wasUp = this.health.state === 'up';
    this.health = {
      ...this.health,
      state: 'up',
      since: wasUp ? this.health.since : at,
      failure: null,
      lastSampleAt: at,
      lastDurationMs: durationMs,
      consecutiveFailures: 0,
      nextAttemptAt: null,
    };
    if (!wasUp) this.options.onHealth(this.currentHealth());
  }

  private failed(failure: ProbeFailure, durationMs: number): void {
    const at = this.now();
    const wasDown = this.health.state === 'down';
    const failures = this.health.consecutiveFailures + 1;
    const changed =
      !wasDown ||
      this.health.failure?.cause !== failure.cause ||
      this.health.failure?.message !== failure.message;
    this.health = {
      ...this.health,
      state: 'down',
      // "down since" is the first failure of the streak, whatever the later causes.
      since: wasDown ? this.health.since : at,
      failure,
      lastDurationMs: durationMs,
      consecutiveFailures: failures,
      nextAttemptAt: at + backoffDelay(failures, this.backoff),
    };
    if (changed) this.options.onHealth(this.currentHealth());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.generation += 1;
    await this.options.probe.close().catch(() => undefined);
  }
}
