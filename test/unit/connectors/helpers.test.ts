import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  DeadlineExceededError,
  failureResult,
  scrubSecrets,
  urlPassword,
  urlTarget,
  withDeadline,
} from '../../../src-main/core/connectors/failures';
import { describeClusterVersion, kafkaClientConfig } from '../../../src-main/core/connectors/kafka';
import { connectionStringWithPassword } from '../../../src-main/core/connectors/postgres';
import { redisVersionFromInfo } from '../../../src-main/core/connectors/redis';

describe('scrubSecrets', () => {
  it('masks a known secret verbatim and URL-encoded, and URL passwords', () => {
    const secret = 'p@ss w/rd';
    const text = `auth p@ss w/rd failed; url postgres://u:${encodeURIComponent(secret)}@h/db`;
    const scrubbed = scrubSecrets(text, [secret, null, undefined, '']);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).not.toContain(encodeURIComponent(secret));
    expect(scrubbed).toBe('auth ******** failed; url postgres://u:********@h/db');
  });

  it('failureResult scrubs and measures', () => {
    const result = failureResult('redis', 'auth', 'bad hunter2', performance.now() - 20, [
      'hunter2',
    ]);
    expect(result).toMatchObject({
      ok: false,
      service: 'redis',
      cause: 'auth',
      message: 'bad ********',
    });
    expect(result.ok === false && result.elapsedMs).toBeGreaterThanOrEqual(19);
  });
});

describe('withDeadline', () => {
  it('passes a result that arrives in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000)).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('no')), 1000)).rejects.toThrow('no');
  });

  it('rejects with DeadlineExceededError and hands a late value to onLate', async () => {
    let late: number | null = null;
    const slow = new Promise<number>((resolve) => setTimeout(() => resolve(42), 80));
    const started = performance.now();
    await expect(withDeadline(slow, 20, (value) => (late = value))).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    expect(performance.now() - started).toBeLessThan(70);
    await slow;
    expect(late).toBe(42);
  });
});

describe('URL helpers', () => {
  it('urlTarget gives host:port with the default port filled in', () => {
    expect(urlTarget('redis://:x@cache.internal/0', 6379)).toBe('cache.internal:6379');
    expect(urlTarget('postgres://u@127.0.0.1:6543/db', 5432)).toBe('127.0.0.1:6543');
    expect(urlTarget('not a url', 5432)).toBe('the configured server');
  });

  it('urlPassword decodes a password left in a URL', () => {
    expect(urlPassword('redis://:p%40ss@h:1')).toBe('p@ss');
    expect(urlPassword('redis://h:1')).toBeNull();
  });

  it('connectionStringWithPassword survives node-postgres parsing with any characters', () => {
    const password = 'p@ss:w/rd%41 #?&\'"';
    const url = connectionStringWithPassword('postgres://sluice@db.internal:5433/app', password);
    const client = new pg.Client({ connectionString: url });
    expect(client.password).toBe(password);
    expect(client.user).toBe('sluice');
    expect(client.host).toBe('db.internal');
    expect(client.port).toBe(5433);
    expect(client.database).toBe('app');
    expect(connectionStringWithPassword('postgres://u@h/db', null)).toBe('postgres://u@h/db');
  });
});

describe('version strings', () => {
  it('redis_version comes from INFO server', () => {
    const info = '# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n';
    expect(redisVersionFromInfo(info)).toBe('7.0.15');
    expect(redisVersionFromInfo('# Server\r\n')).toBeNull();
  });

  it('Kafka reports broker count and controller', () => {
    const broker = { nodeId: 1, host: 'h', port: 9092 };
    expect(describeClusterVersion({ brokers: [broker], controller: 1, clusterId: 'c' })).toBe(
      '1 broker, controller 1',
    );
    expect(
      describeClusterVersion({
        brokers: [broker, broker, broker],
        controller: null,
        clusterId: 'c',
      }),
    ).toBe('3 brokers, no controller');
  });
});

describe('kafkaClientConfig', () => {
  it('bounds every wait, never retries, and maps TLS and SASL', () => {
    const config = kafkaClientConfig(
      {
        brokers: ['b1:9093'],
        clientId: 'sluice',
        ssl: true,
        sslRejectUnauthorized: false,
        sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
      },
      3000,
    );
    expect(config).toMatchObject({
      brokers: ['b1:9093'],
      clientId: 'sluice',
      ssl: { rejectUnauthorized: false },
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
      connectionTimeout: 3500,
      requestTimeout: 3500,
      retry: { retries: 0 },
    });
    const plain = kafkaClientConfig(
      { brokers: ['b1:9092'], clientId: 'x', ssl: false, sslRejectUnauthorized: true, sasl: null },
      5000,
    );
    expect(plain.ssl).toBe(false);
    expect(plain.sasl).toBeUndefined();
  });
});
