import { exponentialBackoff } from '@shared/net/backoff';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Rejects with TimeoutError when `promise` has not settled within `ms`. The
 * underlying operation is not cancelled; callers use this for calls whose
 * client has no timeout of its own, or as an outer bound over retries.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Exponential backoff: base, 2·base, 4·base, ... capped at `max`. `attempt` starts at 1. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs = Number.POSITIVE_INFINITY,
): number {
  return exponentialBackoff(attempt, { initialMs: baseMs, maxMs });
}
