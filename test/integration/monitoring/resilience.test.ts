import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startKafka,
  startPostgres,
  startRedis,
  type KafkaCluster,
  type PostgresServer,
  type RedisServer,
} from '../../../sandbox/servers';
import { sleep, startMonitoringHarness, waitFor, type MonitoringHarness } from './harness';

let redisServer: RedisServer;
let kafka: KafkaCluster;
let postgres: PostgresServer;
let harness: MonitoringHarness;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  [redisServer, kafka, postgres] = await Promise.all([
    startRedis({ appendOnly: true }),
    startKafka({ topics: [{ name: 'job-es-sync', partitions: 2 }] }),
    startPostgres({ password: 'pw', database: 'pipeline' }),
  ]);
  harness = await startMonitoringHarness();
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await harness?.cleanup();
  await Promise.all([redisServer?.stop(), kafka?.stop(), postgres?.stop()]);
});

function health(environmentId: string, source: 'redis' | 'kafka' | 'postgres') {
  return harness.snapshot(environmentId).servers.find((s) => s.server === source)!;
}

describe('monitor resilience', () => {
  it('Redis killed mid-poll: its source is down with the cause while Kafka keeps sampling; it recovers when Redis returns', async () => {
    const pg = `postgres://sluice:pw@127.0.0.1:${postgres.port}/pipeline`;
    const setup = new Redis(redisServer.url);
    setup.on('error', () => undefined);
    await setup.rpush('write_queue', 'a', 'b', 'c');
    setup.disconnect();

    const environmentId = await harness.addEnvironment({
      name: 'pipeline',
      redisUrl: redisServer.url,
      kafka: { brokers: kafka.brokers },
      postgresUrl: pg,
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 1000,
      timeoutMs: 8000,
      redis: { queues: [{ key: 'write_queue' }] },
      kafka: { topics: ['job-es-sync'], groups: [{ groupId: 'es-sync' }] },
      postgres: {
        tables: [{ table: 'pg_class', updatedAtColumn: 'relpages', syncedAtColumn: 'reltuples' }],
      },
      alerts: [{ kind: 'source-down', source: 'redis', forSeconds: 1 }],
    });
    await waitFor(
      'every source up',
      () => harness.snapshot(environmentId).servers.map((s) => s.state),
      (states) => states.every((s) => s === 'up'),
    );
    expect(harness.snapshot(environmentId).queues[0]!.depth).toBe(3);

    // Hold Redis busy in a script so the monitor's next LLEN waits on the wire, then kill it.
    const blocker = new Redis(redisServer.url, {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    blocker.on('error', () => undefined);
    const busy = blocker
      .eval(
        "local s = tonumber(redis.call('TIME')[1]) while tonumber(redis.call('TIME')[1]) - s < 4 do end return 1",
        0,
      )
      .catch(() => undefined);
    const redisPoller = harness.service.monitor(environmentId)!.poller('redis')!;
    await waitFor(
      'a Redis poll in flight',
      () => redisPoller.polling,
      (p) => p,
      5000,
      10,
    );
    await sleep(200);
    expect(redisPoller.polling).toBe(true);
    const killedAt = Date.now();
    await redisServer.kill();
    await busy;
    blocker.disconnect();

    const down = await waitFor(
      'the Redis source to be down',
      () => health(environmentId, 'redis'),
      (h) => h.state === 'down' && h.cause === 'refused',
      20_000,
    );
    expect(down.message).toBe(`connection refused by 127.0.0.1:${redisServer.port}`);
    expect(Date.parse(down.since!)).toBeGreaterThanOrEqual(killedAt - 1000);

    // Meanwhile Kafka and PostgreSQL keep sampling.
    const kafkaBefore = Date.parse(health(environmentId, 'kafka').lastSampleAt!);
    await sleep(2500);
    const kafkaHealth = health(environmentId, 'kafka');
    expect(kafkaHealth.state).toBe('up');
    expect(Date.parse(kafkaHealth.lastSampleAt!)).toBeGreaterThan(kafkaBefore);
    const kafkaSamplesWhileDown = harness.events.filter(
      (e) =>
        e.event === 'monitoring.sample' &&
        (e.payload as { server: string }).server === 'kafka' &&
        e.at > killedAt,
    );
    expect(kafkaSamplesWhileDown.length).toBeGreaterThanOrEqual(2);
    expect(health(environmentId, 'postgres').state).toBe('up');
    expect(health(environmentId, 'redis').state).toBe('down');

    // The source-down rule fired, and the outage was pushed as a health event.
    const alerts = harness.service.listAlerts({ environmentId, states: ['open'], limit: 5 });
    expect(alerts.map((a) => [a.kind, a.target])).toEqual([['source-down', 'redis']]);
    expect(
      harness.events.some(
        (e) =>
          e.event === 'monitoring.health' &&
          (e.payload as { server: string; state: string }).server === 'redis' &&
          (e.payload as { state: string }).state === 'down',
      ),
    ).toBe(true);

    await redisServer.restart();
    const back = await waitFor(
      'the Redis source to recover',
      () => health(environmentId, 'redis'),
      (h) => h.state === 'up',
      20_000,
    );
    expect(back.message).toBeNull();
    await waitFor(
      'the depth again',
      () => harness.snapshot(environmentId).queues[0]!.depth,
      (d) => d === 3,
      10_000,
    );
    await waitFor(
      'the source-down alert to resolve',
      () => harness.service.getAlert(alerts[0]!.id).state,
      (s) => s === 'resolved',
      5000,
    );
    expect(uncaught).toEqual([]);
  });
});
