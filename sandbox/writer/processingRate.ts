import type { Redis } from 'ioredis';

interface Sample {
  at: number;
  processed: number;
}

/**
 * Writes processed per second over the last `windowMs`, from the worker's
 * shared counter sampled once a second.
 */
export class ProcessingRate {
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sampling = false;

  constructor(
    private readonly redis: Redis,
    private readonly statsKey: string,
    private readonly windowMs = 10_000,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Per second; 0 until two samples exist. */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at === first.at) return 0;
    return ((last.processed - first.processed) * 1000) / (last.at - first.at);
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const value = await this.redis.hget(this.statsKey, 'processed');
      const now = Date.now();
      this.samples.push({ at: now, processed: Number(value ?? 0) });
      while (this.samples.length > 2 && now - this.samples[0]!.at > this.windowMs)
        this.samples.shift();
    } catch {
      // Redis unavailable: the rate goes stale rather than wrong; /health says why.
    } finally {
      this.sampling = false;
    }
  }
}
