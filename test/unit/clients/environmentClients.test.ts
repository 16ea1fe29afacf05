import { afterEach, describe, expect, it } from 'vitest';
import { SluiceError } from '@shared/contract';
import { silentLogger } from '@shared/log/logger';
import { EnvironmentClients } from '../../../src-main/core/clients/environmentClients';
import { resolveConnections } from '../../../src-main/core/clients/credentials';
import { kafkaConfig } from '../../../src-main/core/clients/kafka';
import { poolConfig } from '../../../src-main/core/clients/postgres';
import { redisOptions } from '../../../src-main/core/clients/redis';
import type { EnvironmentRecord } from '../../../src-main/core/environments/repository';
import { EventBus } from '../../../src-main/core/rpc/eventBus';

function record(overrides: Partial<EnvironmentRecord> = {}): EnvironmentRecord {
  return {
    id: 'env-1',
    name: 'staging',
    colour: '#336699',
    readOnly: false,
    production: false,
    // Unroutable ports: nothing here connects, and nothing must.
    redisUrl: 'redis://cache.internal:1/0',
    postgresUrl: 'postgres://sluice@db.internal:1/app',
    kafka: {
      brokers: ['b1.internal:1'],
      clientId: 'sluice',
      ssl: false,
      sslRejectUnauthorized: true,
      sasl: { mechanism: 'scram-sha-512', username: 'ops' },
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** The record plus a secret store; counts the reads so a test sees there is one per password. */
function access(environment: EnvironmentRecord, secrets: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    require(id: string) {
      if (id !== environment.id) throw new SluiceError('NOT_FOUND', `no environment with id ${id}`);
      return environment;
    },
    async secret(_id: string, slot: string) {
      reads.push(slot);
      return secrets[slot] ?? null;
    },
  };
}

let clients: EnvironmentClients | null = null;
afterEach(async () => {
  await clients?.close();
  clients = null;
});

describe('one resolution of credentials', () => {
  it('reads the record and one secret per password, without the masked view', async () => {
    const environments = access(record(), {
      redis: 'r-pw',
      postgres: 'p-pw',
      'kafka-sasl': 'k-pw',
    });
    const resolved = await resolveConnections(environments, record());
    expect(resolved.redis).toEqual({
      config: { url: 'redis://cache.internal:1/0', password: 'r-pw' },
    });
    expect(resolved.postgres).toEqual({
      config: { url: 'postgres://sluice@db.internal:1/app', password: 'p-pw' },
    });
    expect(resolved.kafka).toEqual({
      config: {
        brokers: ['b1.internal:1'],
        clientId: 'sluice',
        ssl: false,
        sslRejectUnauthorized: true,
        sasl: { mechanism: 'scram-sha-512', username: 'ops', password: 'k-pw' },
      },
    });
    expect(environments.reads.sort()).toEqual(['kafka-sasl', 'postgres', 'redis']);
  });

  it('gives a reason for a server not configured, a missing SASL password or a failing store', async () => {
    const bare = record({ redisUrl: null, postgresUrl: null });
    const resolved = await resolveConnections(access(bare, {}), bare);
    expect(resolved.redis).toEqual({
      config: null,
      reason: 'no redis connection in this environment',
    });
    expect(resolved.postgres).toEqual({
      config: null,
      reason: 'no postgres connection in this environment',
    });
    expect(resolved.kafka).toEqual({ config: null, reason: 'SASL needs a password' });

    const broken = {
      ...access(record(), {}),
      async secret(): Promise<string | null> {
        throw new Error('keyring locked');
      },
    };
    const failed = await resolveConnections(broken, record());
    expect(failed.redis).toEqual({
      config: null,
      reason: 'the connection settings could not be read',
    });
  });
});

describe('EnvironmentClients', () => {
  it('keeps one client per environment and purpose until the environment changes', async () => {
    const events = new EventBus(silentLogger);
    clients = new EnvironmentClients({
      environments: access(record(), { postgres: 'p-pw', 'kafka-sasl': 'k-pw' }),
      events,
      logger: silentLogger,
    });
    const kafka = await clients.kafka('env-1', 'deadletters');
    const pool = await clients.postgres('env-1', 'deadletters');
    expect(await clients.kafka('env-1', 'deadletters')).toBe(kafka);
    expect(await clients.postgres('env-1', 'deadletters')).toBe(pool);

    events.emit('environments.changed', { ids: ['env-1'] });
    // The close runs in the background; the next call already gets new clients.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await clients.kafka('env-1', 'deadletters')).not.toBe(kafka);
    expect(await clients.postgres('env-1', 'deadletters')).not.toBe(pool);
  });

  it('ignores changes of other environments', async () => {
    const events = new EventBus(silentLogger);
    clients = new EnvironmentClients({
      environments: access(record(), { 'kafka-sasl': 'k-pw' }),
      events,
    });
    const kafka = await clients.kafka('env-1', 'deadletters');
    events.emit('environments.changed', { ids: ['env-2'] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await clients.kafka('env-1', 'deadletters')).toBe(kafka);
  });

  it('refuses a server the environment lacks, naming the environment', async () => {
    const bare = record({ redisUrl: null, postgresUrl: null, kafka: null });
    clients = new EnvironmentClients({ environments: access(bare, {}) });
    await expect(clients.redis('env-1', 'deadletters')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'environment "staging" has no Redis connection configured',
    });
    await expect(clients.postgres('env-1', 'deadletters')).rejects.toMatchObject({
      message: 'environment "staging" has no PostgreSQL connection configured',
    });
    await expect(clients.kafka('env-1', 'deadletters')).rejects.toMatchObject({
      message: 'environment "staging" has no Kafka connection configured',
    });
    const noSasl = record();
    clients = new EnvironmentClients({ environments: access(noSasl, {}) });
    await expect(clients.kafka('env-1', 'deadletters')).rejects.toMatchObject({
      message: 'environment "staging" has no SASL password',
    });
  });
});

describe('options per purpose', () => {
  const redis = { url: 'redis://h:1/0', password: 'pw' };
  const postgres = { url: 'postgres://u@h:1/db', password: null };
  const kafka = {
    brokers: ['b:1'],
    clientId: 'sluice',
    ssl: false,
    sslRejectUnauthorized: true,
    sasl: null,
  };

  it('names every long-lived connection on the server and bounds every wait', () => {
    expect(redisOptions(redis, 'monitor', 3000)).toMatchObject({
      connectionName: 'sluice-monitor',
      connectTimeout: 3000,
      commandTimeout: 3000,
      enableOfflineQueue: false,
      password: 'pw',
    });
    expect(redisOptions(redis, 'deadletters', 0)).toMatchObject({
      connectionName: 'sluice-deadletters',
      connectTimeout: 5000,
      commandTimeout: 30_000,
    });
    expect(
      poolConfig(postgres, 'monitor', { timeoutMs: 3000, statementTimeoutMs: 2400 }),
    ).toMatchObject({
      application_name: 'sluice-monitor',
      connectionTimeoutMillis: 3000,
      statement_timeout: 2400,
      options: '-c default_transaction_read_only=on',
    });
    expect(poolConfig(postgres, 'deadletters')).toMatchObject({
      application_name: 'sluice-deadletters',
      statement_timeout: 60_000,
      query_timeout: 65_000,
    });
    expect(kafkaConfig(kafka, 'deadletters', 0)).toMatchObject({
      clientId: 'sluice-deadletters',
      requestTimeout: 30_000,
      enforceRequestTimeout: true,
    });
  });

  it('retries only where the purpose wants it', () => {
    const never = redisOptions(redis, 'connection-test', 1000).retryStrategy!;
    expect(never(1)).toBeNull();
    const deadletters = redisOptions(redis, 'deadletters', 0).retryStrategy!;
    expect([1, 5, 20].map((times) => deadletters(times))).toEqual([200, 1000, 2000]);
    expect(kafkaConfig(kafka, 'connection-test', 1000).retry).toEqual({ retries: 0 });
    expect(kafkaConfig(kafka, 'monitor', 1000)).toMatchObject({
      retry: { retries: 0 },
      requestTimeout: 1000,
      connectionTimeout: 1000,
    });
    expect(kafkaConfig(kafka, 'group-admin', 1000).retry).toEqual({
      retries: 4,
      initialRetryTime: 200,
      maxRetryTime: 2000,
    });
  });
});
