import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../sandbox/servers';
import { createEnvironment, finished, startCore, waitForJob, type TestCore } from './harness';

/**
 * Planning, dry runs and index refreshes read the local SQLite index, which is
 * synchronous. On a large source they must still leave the event loop free
 * between chunks, or every other call of the core (and, in Electron, the
 * main process) would stall until they end.
 */
const ENTRIES = 50_000;
const MAX_STALL_MS = 500;

let server: RedisServer;
let redis: Redis;
let t: TestCore;
let environmentId: string;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  t = await startCore();
  environmentId = await createEnvironment(t, { redisUrl: server.url });
  for (let i = 0; i < ENTRIES; i += 5000) {
    const chunk = Array.from({ length: 5000 }, (_, k) =>
      JSON.stringify({
        id: `w-${i + k}`,
        payload: { id: `w-${i + k}`, key: `doc-${i + k}`, value: { n: i + k } },
        error_class: 'DatabaseUnavailable',
        error_message: 'connection refused',
        attempts: 5,
        first_failed_at: '2024-06-01T03:00:00.000Z',
        last_failed_at: '2024-06-01T03:02:00.000Z',
        source_queue: 'write_queue',
      }),
    );
    await redis.lpush('write_queue:dead', ...chunk);
  }
});

afterAll(async () => {
  redis?.disconnect();
  await t?.cleanup();
  await server?.stop();
});

/** Runs `work` while a 10 ms timer ticks; answers the longest gap between ticks. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work();
    longest = Math.max(longest, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
  return longest;
}

it(`indexing, a dry run, planning and running a replay of ${ENTRIES.toLocaleString('en')} entries never stall the core for ${MAX_STALL_MS} ms`, async () => {
  const source = await t.call('deadletters.sources.save', {
    environmentId,
    source: { name: 'writes', settings: { kind: 'redis', key: 'write_queue:dead' } },
  });
  const request = { sourceId: source.id, selection: { kind: 'filter' as const, filter: {} } };

  const indexing = await longestStall(() =>
    t.call('deadletters.refreshIndex', { sourceId: source.id }),
  );
  const dryRun = await longestStall(async () => {
    const result = await t.call('deadletters.dryRun', request as never);
    expect(result.count).toBe(ENTRIES);
  });
  let jobId = '';
  const planning = await longestStall(async () => {
    jobId = (await t.call('deadletters.replay', request as never)).id;
  });
  expect(indexing, 'longest stall while indexing (ms)').toBeLessThan(MAX_STALL_MS);
  expect(dryRun, 'longest stall during the dry run (ms)').toBeLessThan(MAX_STALL_MS);
  expect(planning, 'longest stall while planning (ms)').toBeLessThan(MAX_STALL_MS);

  let job: Awaited<ReturnType<typeof waitForJob>> | undefined;
  const moving = await longestStall(async () => {
    job = await waitForJob(t, jobId, finished);
  });
  expect(moving, 'longest stall while the job moves entries (ms)').toBeLessThan(MAX_STALL_MS);
  expect(job).toMatchObject({ status: 'COMPLETED', moved: ENTRIES });
  expect(await redis.llen('write_queue')).toBe(ENTRIES);
}, 120_000);
