import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../sandbox/servers';
import { startMonitoringHarness, waitFor, type MonitoringHarness } from './harness';

const PASSWORD = 'monitor-secret';
let server: RedisServer;
let harness: MonitoringHarness;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis({ password: PASSWORD });
  harness = await startMonitoringHarness();
  redis = new Redis(server.url, { password: PASSWORD, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
});

afterAll(async () => {
  redis?.disconnect();
  await harness?.cleanup();
  await server?.stop();
});

function queueRow(environmentId: string, key: string) {
  return harness.snapshot(environmentId).queues.find((q) => q.key === key);
}

describe('Redis monitor', () => {
  it('reports depth, dead letters, exact rates from counters, depth-change rates without, streams and pending', async () => {
    await redis.rpush('write_queue', ...Array.from({ length: 10 }, (_, i) => `doc-${i}`));
    await redis.hset('write_queue:stats', 'queued', 10);
    await redis.rpush('write_queue:dead', 'bad-1');
    await redis.rpush('plain_queue', 'a', 'b');
    await redis.xadd('events', '*', 'n', '1');
    await redis.xadd('events', '*', 'n', '2');
    await redis.xadd('events', '*', 'n', '3');
    await redis.xgroup('CREATE', 'events', 'workers', '0');
    await redis.xreadgroup('GROUP', 'workers', 'c1', 'COUNT', 2, 'STREAMS', 'events', '>');

    const environmentId = await harness.addEnvironment({
      name: 'redis-env',
      redisUrl: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
    });
    // A long interval: this test takes each sample itself, so it knows the time between them.
    await harness.configure(environmentId, {
      pollIntervalMs: 600_000,
      redis: {
        queues: [
          {
            key: 'write_queue',
            deadLetterKey: 'write_queue:dead',
            counters: { hash: 'write_queue:stats', inField: 'queued' },
          },
          { key: 'plain_queue' },
        ],
        streams: [{ key: 'events', groups: ['workers'] }, { key: 'events' }],
      },
      alerts: [
        { kind: 'queue-depth', key: 'write_queue', above: 15, forSeconds: 0 },
        { kind: 'dlq-growth', key: 'write_queue:dead', growthAtLeast: 2, withinSeconds: 300 },
      ],
    });
    const monitor = harness.service.monitor(environmentId)!;
    await monitor.pollAll();
    const first = harness.snapshot(environmentId);
    expect(first.servers.find((s) => s.server === 'redis')).toMatchObject({ state: 'up' });
    expect(queueRow(environmentId, 'write_queue')).toMatchObject({ depth: 10, role: 'queue' });
    expect(queueRow(environmentId, 'write_queue:dead')).toMatchObject({
      depth: 1,
      role: 'dead-letter',
      queueKey: 'write_queue',
    });
    expect(first.streams).toEqual([
      { key: 'events', length: 3, groups: [{ group: 'workers', pending: 2 }], error: null },
      { key: 'events', length: 3, groups: [{ group: 'workers', pending: 2 }], error: null },
    ]);
    const firstAt = Date.parse(first.servers.find((s) => s.server === 'redis')!.lastSampleAt!);

    // 30 arrive (counted), 10 leave; the plain queue grows by 4; two more dead letters.
    await redis.rpush('write_queue', ...Array.from({ length: 30 }, (_, i) => `more-${i}`));
    await redis.hincrby('write_queue:stats', 'queued', 30);
    await redis.lpop('write_queue', 10);
    await redis.rpush('plain_queue', 'c', 'd', 'e', 'f');
    await redis.rpush('write_queue:dead', 'bad-2', 'bad-3');
    await new Promise((r) => setTimeout(r, 500));
    await monitor.pollAll();
    const second = harness.snapshot(environmentId);
    const seconds =
      (Date.parse(second.servers.find((s) => s.server === 'redis')!.lastSampleAt!) - firstAt) /
      1000;

    const queue = queueRow(environmentId, 'write_queue')!;
    expect(queue.depth).toBe(30);
    expect(queue.rateBasis).toBe('counters');
    expect(queue.inRate).toBeCloseTo(30 / seconds, 6);
    // Out = in - depth change = (30 - 20) / seconds.
    expect(queue.outRate).toBeCloseTo(10 / seconds, 6);
    const plain = queueRow(environmentId, 'plain_queue')!;
    expect(plain).toMatchObject({ depth: 6, rateBasis: 'depth-change', outRate: 0 });
    expect(plain.inRate).toBeCloseTo(4 / seconds, 6);
    expect(queueRow(environmentId, 'write_queue:dead')!.depth).toBe(3);

    // Both rules fired, each once, with a notification.
    const alerts = harness.service.listAlerts({
      environmentId,
      states: ['open'],
      limit: 10,
    });
    expect(alerts.map((a) => [a.kind, a.target]).sort()).toEqual([
      ['dlq-growth', 'write_queue:dead'],
      ['queue-depth', 'write_queue'],
    ]);
    expect(harness.notifications.map((n) => n.title)).toEqual(
      expect.arrayContaining(['redis-env: Queue write_queue is 30 deep']),
    );

    // History holds both samples.
    const history = harness.service.queryHistory(environmentId, '15m', [
      { metric: 'queue.depth', key: 'write_queue' },
      { metric: 'dlq.depth', key: 'write_queue:dead' },
    ]);
    // [bucket, average, maximum]: 10 then 30, in one 5 s bucket (average 20) or two.
    const points = history.series[0]!.points;
    expect(points.some((p) => p[2] === 30)).toBe(true);
    expect(points.some((p) => p[1] <= 20)).toBe(true);
    expect(history.series[1]!.points.at(-1)![2]).toBe(3);

    // Acknowledge, then the depth drops: the alert resolves by itself.
    const depthAlert = alerts.find((a) => a.kind === 'queue-depth')!;
    expect(harness.service.acknowledgeAlert(depthAlert.id)).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'tester',
    });
    await redis.ltrim('write_queue', 0, 4);
    await monitor.pollAll();
    expect(harness.service.getAlert(depthAlert.id)).toMatchObject({
      state: 'resolved',
      resolvedBy: 'condition cleared',
    });
  });

  it('a key of the wrong type fails its own row; the rest of the poll stands', async () => {
    await redis.set('not_a_list', 'x');
    const environmentId = await harness.addEnvironment({
      name: 'wrong-type',
      redisUrl: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 600_000,
      redis: { queues: [{ key: 'not_a_list' }, { key: 'plain_queue' }] },
    });
    await harness.service.monitor(environmentId)!.pollAll();
    const rows = harness.snapshot(environmentId).queues;
    expect(rows[0]).toMatchObject({ key: 'not_a_list', depth: null });
    expect(rows[0]!.error).toMatch(/WRONGTYPE/);
    expect(rows[1]).toMatchObject({ key: 'plain_queue', depth: 6, error: null });
    expect(harness.snapshot(environmentId).servers[0]!.state).toBe('up');
  });

  it('a wrong password makes the source down with cause auth, and never shows the password', async () => {
    const environmentId = await harness.addEnvironment({
      name: 'bad-password',
      redisUrl: `redis://:wrong-${PASSWORD}@127.0.0.1:${server.port}`,
    });
    await harness.configure(environmentId, { redis: { queues: [{ key: 'write_queue' }] } });
    const health = await waitFor(
      'the redis source to be down',
      () => harness.snapshot(environmentId).servers.find((s) => s.server === 'redis')!,
      (h) => h.state === 'down',
    );
    expect(health.cause).toBe('auth');
    expect(health.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${server.port}`));
    expect(JSON.stringify(harness.snapshot(environmentId))).not.toContain(PASSWORD);
    expect(health.since).not.toBeNull();

    // Fixing the environment's password restarts its monitors, which then connect.
    const view = await harness.call('environments.get', { id: environmentId });
    await harness.call('environments.save', {
      environment: {
        id: environmentId,
        name: view.name,
        colour: view.colour,
        redisUrl: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
      },
      acceptUnencryptedSecrets: true,
    });
    await waitFor(
      'the redis source to come up after the fix',
      () => harness.snapshot(environmentId).servers.find((s) => s.server === 'redis')!.state,
      (state) => state === 'up',
    );
  });

  it('removing an environment stops its monitors and drops its configuration and alerts', async () => {
    const environmentId = await harness.addEnvironment({
      name: 'short-lived',
      redisUrl: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 1000,
      redis: { queues: [{ key: 'plain_queue' }] },
      alerts: [{ kind: 'queue-depth', above: 0, forSeconds: 0 }],
    });
    await waitFor(
      'an alert on the non-empty queue',
      () => harness.service.listAlerts({ environmentId, states: ['open'], limit: 5 }).length,
      (n) => n === 1,
    );
    const monitor = harness.service.monitor(environmentId)!;
    await harness.call('environments.remove', { id: environmentId });
    await waitFor(
      'the monitor to go',
      () => harness.service.monitor(environmentId),
      (m) => m === null,
    );
    expect(monitor.poller('redis')!.currentHealth().lastSampleAt).not.toBeNull();
    const samplesAfter = harness.events.filter(
      (e) => (e.payload as { environmentId?: string }).environmentId === environmentId,
    ).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      harness.events.filter(
        (e) => (e.payload as { environmentId?: string }).environmentId === environmentId,
      ).length,
    ).toBe(samplesAfter);
    const count = (table: string) =>
      (
        harness.core.db
          .prepare(`SELECT count(*) AS n FROM ${table} WHERE environment_id = ?`)
          .get(environmentId) as { n: number }
      ).n;
    expect(count('monitoring_configs')).toBe(0);
    expect(count('monitoring_alerts')).toBe(0);
    expect(count('monitoring_series')).toBe(0);
  });
});
