export { LoadGenerator } from './loadGenerator';
export type { LoadGeneratorOptions, LoadStats } from './loadGenerator';
export { DEFAULT_MIX, NO_FAILURES, apiBody, rawEntry, validValue } from './payloads';
export type { FailureMix, WriteKind } from './payloads';
