/**
 * Retry delays, for every loop that waits before trying again: the
 * monitoring pollers, the dead-letter Redis reconnects, the sandbox's worker
 * and consumers, seeding commits. `attempt` counts from 1 (the first retry).
 */

export interface ExponentialBackoff {
  /** Delay of the first retry. */
  initialMs: number;
  /** Ceiling of the doubling delay; none by default. */
  maxMs?: number;
  /**
   * Spread around the delay as a fraction (0.2: ±20 %), so clients that
   * failed together do not all retry in the same instant. None by default.
   */
  jitter?: number;
  random?: () => number;
}

/** initialMs, 2·initialMs, 4·initialMs, ... capped at maxMs, then spread by the jitter. */
export function exponentialBackoff(attempt: number, options: ExponentialBackoff): number {
  // Past 2^52 a double stops counting in milliseconds; every cap is far below it.
  const exponent = Math.min(Math.max(attempt - 1, 0), 52);
  const base = Math.min(
    options.maxMs ?? Number.POSITIVE_INFINITY,
    options.initialMs * 2 ** exponent,
  );
  const jitter = options.jitter ?? 0;
  if (jitter === 0) return base;
  const random = options.random ?? Math.random;
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}

export interface LinearBackoff {
  /** Added per attempt. */
  stepMs: number;
  /** Ceiling; none by default. */
  maxMs?: number;
}

/** stepMs, 2·stepMs, 3·stepMs, ... capped at maxMs: for short waits that should stay short. */
export function linearBackoff(attempt: number, options: LinearBackoff): number {
  return Math.min(options.maxMs ?? Number.POSITIVE_INFINITY, options.stepMs * Math.max(attempt, 1));
}
