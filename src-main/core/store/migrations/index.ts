import { foundation } from './001_foundation';
import { runbooks } from './005_runbooks';
import type { Migration } from './types';

/** Every migration, in order. Append only; never edit a released one. */
export const migrations: readonly Migration[] = [foundation, runbooks];

export type { Migration } from './types';
