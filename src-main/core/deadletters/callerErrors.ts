import { SluiceError } from '@shared/contract';
import { OutageError } from './faults';

/** Errors of the servers become UNAVAILABLE for callers; anything else passes through. */
export async function callerFacing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OutageError) throw new SluiceError('UNAVAILABLE', error.message);
    throw error;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SluiceError('TIMEOUT', `${what} took longer than ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
