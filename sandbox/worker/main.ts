/**
 * The worker as a process of its own:
 *   REDIS_URL=... POSTGRES_URL=... tsx sandbox/worker/main.ts
 * Optional: REDIS_PASSWORD, WRITE_QUEUE, BATCH_SIZE, BATCH_TIMEOUT_MS,
 * MAX_RETRIES, RETRY_BASE_MS. Prints "worker ready" once it is popping, and
 * one JSON line per batch; SIGTERM/SIGINT stop it cleanly.
 */
import { stderrLogger } from '@shared/log/logger';
import { Worker } from './worker';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

function optionalNumber(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    console.error(`${name} must be a non-negative number, got "${value}"`);
    process.exit(2);
  }
  return parsed;
}

const worker = new Worker({
  redis: { url: required('REDIS_URL'), password: process.env.REDIS_PASSWORD ?? null },
  postgresUrl: required('POSTGRES_URL'),
  queue: process.env.WRITE_QUEUE || undefined,
  batchSize: optionalNumber('BATCH_SIZE'),
  batchTimeoutMs: optionalNumber('BATCH_TIMEOUT_MS'),
  maxRetries: optionalNumber('MAX_RETRIES'),
  retryBaseMs: optionalNumber('RETRY_BASE_MS'),
  logger: stderrLogger('warn'),
});

worker.on('batch', (batch: unknown) => console.log(JSON.stringify({ batch })));

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

worker
  .start()
  .then(() => console.log(`worker ready (recovered ${worker.counters.recovered})`))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
