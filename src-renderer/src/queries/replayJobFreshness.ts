import type { ReplayJob } from '@shared/contract';

const FINAL_STATUSES: ReadonlySet<ReplayJob['status']> = new Set([
  'COMPLETED',
  'CANCELLED',
  'FAILED',
]);

export function isUnfinished(job: ReplayJob): boolean {
  return !FINAL_STATUSES.has(job.status);
}

/** Orders two states of one job: later update first, then more progress, then a final status. */
export function isNewerJob(candidate: ReplayJob, known: ReplayJob): boolean {
  if (candidate.updatedAt !== known.updatedAt) return candidate.updatedAt > known.updatedAt;
  const progress = (job: ReplayJob) => job.moved + job.skipped + job.failed;
  if (progress(candidate) !== progress(known)) return progress(candidate) > progress(known);
  return FINAL_STATUSES.has(candidate.status) && !FINAL_STATUSES.has(known.status);
}

/** The fetched list, except where the list already held a newer state of a job. */
export function keepNewerJobs(old: ReplayJob[] | undefined, fetched: ReplayJob[]): ReplayJob[] {
  if (!old) return fetched;
  const known = new Map(old.map((job) => [job.id, job]));
  return fetched.map((job) => {
    const previous = known.get(job.id);
    return previous && isNewerJob(previous, job) ? previous : job;
  });
}
