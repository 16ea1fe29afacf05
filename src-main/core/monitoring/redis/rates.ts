/**
 * In and out rates of a Redis list from successive samples.
 *
 * LLEN alone only shows the net change: depth(t2) - depth(t1) = in - out.
 * Separating the two needs one more number, so:
 *
 * - with an "in" counter (a hash field the producer increments per entry,
 *   e.g. write_queue:stats queued): in = Δcounter / Δt, exact; out = in - Δdepth / Δt
 *   (entries that left the list by any path: processed, failed, moved), or
 *   Δ(out counter) / Δt when an out counter is configured as well;
 * - without counters: in = max(0, Δdepth / Δt) and out = max(0, -Δdepth / Δt).
 *   Both are lower bounds (a queue with equal in and out shows 0 and 0), and
 *   the rate basis says so, so the UI can label them.
 *
 * A counter that went down was reset (the hash was deleted and re-created):
 * as Prometheus' rate() does, the increase over that interval is taken to be
 * the new value.
 *
 * The rates use the last two samples ("now"); the trend is the depth change
 * per second over the whole window, which smooths bursty producers.
 */

export interface QueueObservation {
  at: number;
  depth: number;
  inCounter: number | null;
  outCounter: number | null;
}

export interface QueueRates {
  inRate: number | null;
  outRate: number | null;
  basis: 'counters' | 'depth-change' | null;
  /** Depth change per second over the window. */
  trend: number | null;
}

function counterIncrease(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

export function computeQueueRates(window: readonly QueueObservation[]): QueueRates {
  const last = window[window.length - 1];
  const previous = window[window.length - 2];
  const first = window[0];
  if (!last || !previous || !first) {
    return { inRate: null, outRate: null, basis: null, trend: null };
  }
  const windowSeconds = (last.at - first.at) / 1000;
  const trend = windowSeconds > 0 ? (last.depth - first.depth) / windowSeconds : null;
  const seconds = (last.at - previous.at) / 1000;
  if (seconds <= 0) return { inRate: null, outRate: null, basis: null, trend };

  const net = (last.depth - previous.depth) / seconds;
  if (last.inCounter !== null && previous.inCounter !== null) {
    const inRate = counterIncrease(previous.inCounter, last.inCounter) / seconds;
    const outRate =
      last.outCounter !== null && previous.outCounter !== null
        ? counterIncrease(previous.outCounter, last.outCounter) / seconds
        : // Entries that arrived minus what stayed: what left. Sampling skew
          // between LLEN and the counter can make it dip below zero.
          Math.max(0, inRate - net);
    return { inRate, outRate, basis: 'counters', trend };
  }
  return {
    inRate: Math.max(0, net),
    outRate: Math.max(0, -net),
    basis: 'depth-change',
    trend,
  };
}

/** Keeps the last `size` observations of each list. */
export class QueueRateTracker {
  private readonly windows = new Map<string, QueueObservation[]>();

  constructor(private readonly size: number) {}

  observe(key: string, observation: QueueObservation): QueueRates {
    let window = this.windows.get(key);
    if (!window) {
      window = [];
      this.windows.set(key, window);
    }
    window.push(observation);
    const cap = Math.max(2, this.size);
    if (window.length > cap) window.splice(0, window.length - cap);
    return computeQueueRates(window);
  }

  /** The list could not be read: rates restart from the next good sample. */
  forget(key: string): void {
    this.windows.delete(key);
  }
}
