import Redis from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { KafkaConnector } from '../../../src-main/core/connectors/kafka';
import { PostgresConnector } from '../../../src-main/core/connectors/postgres';
import { RedisConnector } from '../../../src-main/core/connectors/redis';
import { ConnectorRegistry, testOnce } from '../../../src-main/core/connectors/registry';
import {
  PG_PASSWORD,
  WRONG_PASSWORD,
  closedPort,
  eventually,
  expectFailure,
  kafka,
  kafkaConfig,
  pgUrl,
  postgres,
  redis,
  securedRedis,
  useConnectorServers,
} from './support';

useConnectorServers();

async function redisClientCount(): Promise<number> {
  const observer = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  observer.on('error', () => undefined);
  await observer.connect();
  const list = (await observer.client('LIST')) as string;
  observer.disconnect();
  return list.trim().split('\n').length - 1; // minus the observer itself
}

async function sluiceBackends(): Promise<number> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  const { rows } = await client.query<{ n: string }>(
    "select count(*) as n from pg_stat_activity where application_name = 'sluice'",
  );
  await client.end();
  return Number(rows[0]?.n);
}

describe('connectors release what they open', () => {
  it('testOnce leaves no connection behind', async () => {
    await testOnce('redis', { url: redis.url, password: null });
    await testOnce('postgres', { url: pgUrl(postgres.port), password: PG_PASSWORD });
    expect(await eventually(redisClientCount, 0)).toBe(0);
    expect(await eventually(sluiceBackends, 0)).toBe(0);
  });

  it('a connector keeps its connection between tests and recovers after the server restarts', async () => {
    const connector = new RedisConnector({ url: redis.url, password: null }, { timeoutMs: 2000 });
    try {
      expect(await connector.test()).toMatchObject({ ok: true });
      expect(await connector.test()).toMatchObject({ ok: true });
      expect(await redisClientCount()).toBe(1);

      await redis.kill();
      const down = await connector.test();
      expectFailure(down, 'refused', /^connection refused by 127\.0\.0\.1:\d+$/);

      await redis.restart();
      expect(await connector.test()).toMatchObject({ ok: true });
    } finally {
      await connector.close();
    }
    expect(await eventually(redisClientCount, 0)).toBe(0);
  });

  it('a Kafka connector reports a downed broker and recovers when it is back', async () => {
    const connector = new KafkaConnector(kafkaConfig(kafka.brokers), { timeoutMs: 2000 });
    try {
      expect(await connector.test()).toMatchObject({ ok: true });
      await kafka.brokerDown(-1);
      try {
        expectFailure(await connector.test(), 'refused', /^connection refused by /);
      } finally {
        await kafka.brokerUp(-1);
      }
      expect(await connector.test()).toMatchObject({ ok: true });
    } finally {
      await connector.close();
    }
  });

  it('Postgres and Kafka connectors close cleanly after use', async () => {
    const pgConnector = new PostgresConnector({ url: pgUrl(postgres.port), password: PG_PASSWORD });
    const kafkaConnector = new KafkaConnector(kafkaConfig(kafka.brokers));
    expect(await pgConnector.test()).toMatchObject({ ok: true });
    expect(await kafkaConnector.test()).toMatchObject({ ok: true });
    expect(await sluiceBackends()).toBe(1);
    await Promise.all([pgConnector.close(), kafkaConnector.close()]);
    expect(await eventually(sluiceBackends, 0)).toBe(0);
  });
});

describe('ConnectorRegistry', () => {
  it('gets or opens per (environment, kind), health-checks, replaces on config change, closes', async () => {
    const registry = new ConnectorRegistry({ timeoutMs: 2000 });
    try {
      const redisConnection = {
        kind: 'redis' as const,
        config: { url: redis.url, password: null },
      };
      const first = registry.get('env-a', redisConnection);
      expect(registry.get('env-a', redisConnection)).toBe(first);
      expect(registry.get('env-b', redisConnection)).not.toBe(first);
      registry.get('env-a', {
        kind: 'postgres',
        config: { url: pgUrl(postgres.port), password: PG_PASSWORD },
      });
      registry.get('env-a', { kind: 'kafka', config: kafkaConfig(kafka.brokers) });
      expect(registry.size).toBe(4);

      const reports = await registry.healthCheckAll();
      expect(reports).toHaveLength(4);
      for (const report of reports) expect(report.result, report.kind).toMatchObject({ ok: true });
      expect(await registry.healthCheck('env-a', 'redis')).toMatchObject({ ok: true });
      expect(await registry.healthCheck('env-z', 'redis')).toBeNull();
      expect(await redisClientCount()).toBe(2);

      // A changed configuration replaces the connector and closes the old one.
      const moved = registry.get('env-a', {
        kind: 'redis',
        config: { url: `redis://127.0.0.1:${closedPort}`, password: null },
      });
      expect(moved).not.toBe(first);
      const failure = await registry.healthCheck('env-a', 'redis');
      expect(failure).toMatchObject({ ok: false, cause: 'refused' });
      expect(await eventually(redisClientCount, 1)).toBe(1);

      await registry.closeEnvironment('env-a');
      expect(registry.size).toBe(1);
      expect(registry.peek('env-a', 'postgres')).toBeUndefined();
      expect(await eventually(sluiceBackends, 0)).toBe(0);
    } finally {
      await registry.closeAll();
    }
    expect(registry.size).toBe(0);
    expect(await eventually(redisClientCount, 0)).toBe(0);
  });

  it('testOnce through the registry takes a { kind, config } connection and keeps nothing open', async () => {
    const registry = new ConnectorRegistry();
    const result = await registry.testOnce(
      { kind: 'redis', config: { url: securedRedis.url, password: WRONG_PASSWORD } },
      2000,
    );
    expectFailure(result, 'auth', /authentication failed/);
    expect(registry.size).toBe(0);
  });
});
