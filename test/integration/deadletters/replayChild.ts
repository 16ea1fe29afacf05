/**
 * A Sluice core in its own process, for crash tests: the parent SIGKILLs it
 * part-way through a replay and starts it again on the same data directory.
 *
 *   node --import tsx replayChild.ts <dataDir> start <json request>
 *   node --import tsx replayChild.ts <dataDir> resume
 *
 * stdout carries one JSON line per job event; "start" first prints {"jobId"}.
 * The process exits once the job is COMPLETED, CANCELLED or FAILED.
 */
import type { ReplayJob } from '@shared/contract';
import { startCore } from './harness';

const [dataDir, mode, requestJson] = process.argv.slice(2);
if (!dataDir || (mode !== 'start' && mode !== 'resume')) {
  process.stderr.write('usage: replayChild.ts <dataDir> start <request> | resume\n');
  process.exit(2);
}

// The data directory belongs to the parent test: close, never clean up.
const { core } = await startCore(dataDir);
const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};
const ended = new Promise<ReplayJob>((resolve) => {
  core.events.onAny((event, payload) => {
    if (event !== 'deadletters.job') return;
    const job = payload as ReplayJob;
    print({ event: 'job', job });
    if (job.status === 'COMPLETED' || job.status === 'CANCELLED' || job.status === 'FAILED') {
      resolve(job);
    }
  });
});

if (mode === 'start') {
  const result = await core.dispatch('deadletters.replay', JSON.parse(requestJson!), {
    transport: 'internal',
  });
  if (!result.ok) {
    process.stderr.write(`replay refused: ${JSON.stringify(result.error)}\n`);
    process.exit(1);
  }
  print({ jobId: (result.value as ReplayJob).id });
}

const job = await ended;
print({ event: 'done', job });
await core.close();
process.exit(0);
