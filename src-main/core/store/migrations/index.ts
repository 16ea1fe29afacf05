import { foundation } from './001_foundation';
import { audit } from './002_audit';
import { monitoring } from './003_monitoring';
import { runbooks } from './005_runbooks';
import { deadLetters } from './004_deadletters';
import type { Migration } from './types';

/** Every migration, in order. Append only; never edit a released one. */
export const migrations: readonly Migration[] = [
  foundation,
  audit,
  runbooks,
  monitoring,
  deadLetters,
];

export type { Migration } from './types';
