import type { ReplayJob } from '@shared/contract';
import { createEnvironment, startTestCore, type TestCore } from '../../support/testCore';

export { createEnvironment, type TestCore };

/**
 * A real core (store, audit, dispatcher) in a temp dir, or in `dir` to reopen
 * one (a crash test's restart, or its child process).
 */
export function startCore(dir?: string): Promise<TestCore> {
  return startTestCore(dir ? { dir } : {});
}

export async function waitForJob(
  t: Pick<TestCore, 'call'>,
  jobId: string,
  done: (job: ReplayJob) => boolean,
  timeoutMs = 60_000,
): Promise<ReplayJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await t.call('deadletters.jobs.get', { jobId });
    if (done(job)) return job;
    if (Date.now() > deadline) {
      throw new Error(`job ${jobId} did not get there in ${timeoutMs} ms: ${JSON.stringify(job)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const finished = (job: ReplayJob): boolean =>
  job.status === 'COMPLETED' || job.status === 'CANCELLED' || job.status === 'FAILED';
