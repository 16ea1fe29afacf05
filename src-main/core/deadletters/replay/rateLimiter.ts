/**
 * Paces batches so that, on average, no more than `perSecond` entries start
 * per second. A pause (outage, operator) does not bank credit for a burst.
 */
export class RateLimiter {
  private nextStart = 0;

  constructor(private readonly perSecond: number | null) {}

  /** How many entries one batch should hold: about a fifth of a second's worth. */
  batchSize(maximum: number): number {
    if (this.perSecond === null) return maximum;
    return Math.max(1, Math.min(maximum, Math.round(this.perSecond / 5)));
  }

  /** Milliseconds to wait before a batch of `count` may start. */
  delayFor(count: number, now: number = Date.now()): number {
    if (this.perSecond === null) return 0;
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + (count / this.perSecond) * 1000;
    return start - now;
  }

  reset(): void {
    this.nextStart = 0;
  }
}

/** Entries per second over a sliding window. */
export class ThroughputMeter {
  private readonly samples: { at: number; count: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  add(count: number, at: number = Date.now()): void {
    this.samples.push({ at, count });
    this.trim(at);
  }

  perSecond(at: number = Date.now()): number {
    this.trim(at);
    if (this.samples.length === 0) return 0;
    const total = this.samples.reduce((sum, s) => sum + s.count, 0);
    const span = Math.max(1000, at - this.samples[0]!.at);
    return Math.round((total / span) * 1000 * 10) / 10;
  }

  private trim(at: number): void {
    while (this.samples.length > 0 && at - this.samples[0]!.at > this.windowMs)
      this.samples.shift();
  }
}
