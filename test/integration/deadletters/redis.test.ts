import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../sandbox/servers';
import { createEnvironment, finished, startCore, waitForJob, type TestCore } from './harness';

let server: RedisServer;
let redis: Redis;
let t: TestCore;
let environmentId: string;

function envelope(i: number, errorClass: string, payload: unknown) {
  return JSON.stringify({
    id: `w-${i}`,
    payload,
    error_class: errorClass,
    error_message: `${errorClass} for entry ${i}`,
    attempts: 3,
    first_failed_at: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
    last_failed_at: new Date(Date.UTC(2024, 0, 1, 0, 1, i)).toISOString(),
    source_queue: 'write_queue',
  });
}

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  t = await startCore();
  environmentId = await createEnvironment(t, { redisUrl: server.url });
});

afterAll(async () => {
  redis?.disconnect();
  await t?.cleanup();
  await server?.stop();
});

describe('Redis dead-letter list', () => {
  it('indexes envelopes, filters, groups, and replays a class byte-exact with replay fields', async () => {
    const entries: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const errorClass = i % 3 === 0 ? 'InvalidJson' : 'SchemaViolation';
      const payload =
        i % 3 === 0 ? `{"key": "k${i}", broken` : { id: `w-${i}`, key: `k${i}`, value: { n: i } };
      entries.push(envelope(i, errorClass, payload));
    }
    // The worker LPUSHes: the last pushed is the head.
    await redis.lpush('write_queue:dead', ...entries);
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'write queue', settings: { kind: 'redis', key: 'write_queue:dead' } },
    });
    const stats = await t.call('deadletters.sources.stats', { environmentId });
    expect(stats[0]).toMatchObject({ sourceId: source.id, state: 'ok', count: 30 });

    const page = await t.call('deadletters.browse', { sourceId: source.id, limit: 10 });
    expect(page.total).toBe(30);
    expect(page.rows).toHaveLength(10);
    expect(page.rows[0]).toMatchObject({
      externalId: 'w-29',
      errorClass: 'SchemaViolation',
      attempts: 3,
    });

    const groups = await t.call('deadletters.topReasons', { sourceId: source.id });
    expect(groups).toEqual([
      expect.objectContaining({ errorClass: 'SchemaViolation', count: 20 }),
      expect.objectContaining({ errorClass: 'InvalidJson', count: 10 }),
    ]);

    const filtered = await t.call('deadletters.browse', {
      sourceId: source.id,
      filter: { errorClasses: ['InvalidJson'] },
    });
    expect(filtered.total).toBe(10);
    const searched = await t.call('deadletters.browse', {
      sourceId: source.id,
      filter: { text: 'k12' },
    });
    expect(searched.rows.map((r) => r.externalId)).toEqual(['w-12']);

    const detail = await t.call('deadletters.get', {
      sourceId: source.id,
      key: searched.rows[0]!.key,
    });
    expect(detail.payload.text).toBe('{"key": "k12", broken');

    const dry = await t.call('deadletters.dryRun', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: { errorClasses: ['SchemaViolation'] } },
    });
    expect(dry.count).toBe(20);
    expect(dry.targets).toEqual([{ target: 'redis:write_queue', count: 20 }]);

    const job = await t.call('deadletters.replay', {
      sourceId: source.id,
      selection: { kind: 'filter', filter: { errorClasses: ['SchemaViolation'] } },
    });
    const done = await waitForJob(t, job.id, finished);
    expect(done).toMatchObject({ status: 'COMPLETED', moved: 20, skipped: 0, failed: 0 });
    expect(await redis.llen('write_queue:dead')).toBe(10);
    const queued = await redis.lrange('write_queue', 0, -1);
    expect(queued).toHaveLength(20);
    const first = JSON.parse(queued[queued.length - 1]!) as Record<string, unknown>;
    expect(first).toMatchObject({ id: 'w-1', key: 'k1', value: { n: 1 } });
    expect(first['x-sluice-replay-id']).toBe(`${job.id}:0`);
    expect(first['x-sluice-origin']).toBe('redis:write_queue:dead#w-1');
    const after = await t.call('deadletters.browse', { sourceId: source.id });
    expect(after.total).toBe(10);
  });
});
