import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ReplayJob } from '@shared/contract';

const CHILD = fileURLToPath(new URL('./replayChild.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../..', import.meta.url));

export interface ReplayProcess {
  child: ChildProcess;
  jobId: Promise<string>;
  /** Resolves with the job at its end (COMPLETED, CANCELLED, FAILED); rejects if the process dies first. */
  done: Promise<ReplayJob>;
  latest(): ReplayJob | null;
  /** Resolves once the job reported at least `moved` moved entries. */
  movedAtLeast(moved: number): Promise<ReplayJob>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** One Node process (no wrapper), so SIGKILL hits the process that runs the job. */
export function runReplayProcess(
  dataDir: string,
  mode: 'start' | 'resume',
  request?: unknown,
): ReplayProcess {
  const args = ['--import', 'tsx', CHILD, dataDir, mode];
  if (request !== undefined) args.push(JSON.stringify(request));
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
  let latest: ReplayJob | null = null;
  const waiters: { moved: number; resolve: (job: ReplayJob) => void }[] = [];
  let resolveJobId!: (id: string) => void;
  let resolveDone!: (job: ReplayJob) => void;
  let rejectAll!: (error: Error) => void;
  const jobId = new Promise<string>((resolve) => (resolveJobId = resolve));
  const done = new Promise<ReplayJob>((resolve, reject) => {
    resolveDone = resolve;
    rejectAll = reject;
  });
  done.catch(() => undefined);
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let message: { jobId?: string; event?: string; job?: ReplayJob };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    if (message.jobId) resolveJobId(message.jobId);
    if (message.job) {
      latest = message.job;
      resolveJobId(message.job.id);
      for (const waiter of [...waiters]) {
        if (message.job.moved >= waiter.moved) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message.job);
        }
      }
      if (message.event === 'done') resolveDone(message.job);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      rejectAll(
        new Error(`replay process exited (${code ?? signal}) before the job ended: ${stderr}`),
      );
      resolve({ code, signal });
    }),
  );
  return {
    child,
    jobId,
    done,
    latest: () => latest,
    movedAtLeast: (moved) =>
      new Promise((resolve, reject) => {
        waiters.push({ moved, resolve });
        void done.then(
          (job) =>
            reject(
              new Error(`job ended (${job.status}, ${job.moved} moved) before ${moved} moved`),
            ),
          reject,
        );
      }),
    exited,
    stderr: () => stderr,
  };
}
