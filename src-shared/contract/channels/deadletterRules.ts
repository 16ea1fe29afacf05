import type { EnvironmentRules } from '../define';

/**
 * The guards of the dead-letter mutations, shared by the channels that act
 * alike (see ../define.ts for what each rule means).
 */

/** An action on one entry, refused in read-only environments. */
export const onEntry = (action: string): EnvironmentRules<{ sourceId: string; key: string }> => ({
  environment: (i) => ({ kind: 'dead-letter', sourceId: i.sourceId, key: i.key }),
  refuseReadOnly: action,
});

/** A bulk action on a source: refused in read-only environments, confirmed above a count. */
export const bulkOnSource = (
  action: string,
): EnvironmentRules<{ sourceId: string; confirmEnvironmentName: string | null }> => ({
  environment: (i) => ({ kind: 'dead-letter-source', sourceId: i.sourceId }),
  refuseReadOnly: action,
  confirmProduction: { when: 'above-threshold', typedName: (i) => i.confirmEnvironmentName },
});

/** A control of one replay job, refused in read-only environments. */
export const onJob = (action: string): EnvironmentRules<{ jobId: string }> => ({
  environment: (i) => ({ kind: 'replay-job', jobId: i.jobId }),
  refuseReadOnly: action,
});
