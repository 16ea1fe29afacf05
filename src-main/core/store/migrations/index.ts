import { foundation } from './001_foundation';
import type { Migration } from './types';

/** Every migration, in order. Append only; never edit a released one. */
export const migrations: readonly Migration[] = [foundation];

export type { Migration } from './types';
