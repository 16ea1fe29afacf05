import { describe, expect, it } from 'vitest';
import { testOnce } from '../../../src-main/core/connectors/registry';
import {
  PG_PASSWORD,
  REDIS_PASSWORD,
  kafka,
  kafkaConfig,
  pgUrl,
  postgres,
  redis,
  securedRedis,
  useConnectorServers,
} from './support';

useConnectorServers();

describe('successful tests report version and round trip', () => {
  it('Redis: redis_version from INFO', async () => {
    const result = await testOnce('redis', { url: redis.url, password: null });
    expect(result).toMatchObject({ ok: true, service: 'redis' });
    if (!result.ok) return;
    expect(result.version).toMatch(/^7\.\d+\.\d+$/);
    expect(result.rttMs).toBeGreaterThanOrEqual(0);
    expect(result.rttMs).toBeLessThan(1000);
  });

  it('Redis with a password', async () => {
    const result = await testOnce('redis', { url: securedRedis.url, password: REDIS_PASSWORD });
    expect(result).toMatchObject({ ok: true, service: 'redis' });
  });

  it('PostgreSQL: server_version', async () => {
    const result = await testOnce('postgres', {
      url: pgUrl(postgres.port),
      password: PG_PASSWORD,
    });
    expect(result).toMatchObject({ ok: true, service: 'postgres' });
    if (!result.ok) return;
    expect(result.version).toMatch(/^15\.\d+/);
    expect(result.rttMs).toBeLessThan(1000);
  });

  it('Kafka: broker count and controller from describeCluster', async () => {
    const result = await testOnce('kafka', kafkaConfig(kafka.brokers));
    expect(result).toMatchObject({ ok: true, service: 'kafka' });
    if (!result.ok) return;
    expect(result.version).toMatch(/^1 broker, (controller -?\d+|no controller)$/);
    expect(result.details).toMatch(/^cluster id \S+/);
    expect(result.rttMs).toBeLessThan(1000);
  });
});
