import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import Redis from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTestResult } from '../../src-preload/contract/channels/environments';
import { KafkaConnector } from '../../src-main/core/connectors/kafka';
import { PostgresConnector } from '../../src-main/core/connectors/postgres';
import { RedisConnector } from '../../src-main/core/connectors/redis';
import { ConnectorRegistry, testOnce } from '../../src-main/core/connectors/registry';
import type { KafkaConnectionConfig } from '../../src-main/core/connectors/types';
import { MissingBinaryError, startKafka, startPostgres, startRedis } from '../../sandbox/servers';
import type { KafkaCluster, PostgresServer, RedisServer } from '../../sandbox/servers';

const PG_PASSWORD = 'pg-Secret#1/x';
const REDIS_PASSWORD = 'redis-Secret@2';
const SASL_PASSWORD = 'sasl-Secret%3';
const WRONG_PASSWORD = 'wrong-Secret:4';
const SECRETS = [PG_PASSWORD, REDIS_PASSWORD, SASL_PASSWORD, WRONG_PASSWORD];

let postgres: PostgresServer;
let redis: RedisServer;
let securedRedis: RedisServer;
let kafka: KafkaCluster;
/** Accepts TCP connections, reads and discards what it gets, never says a word. */
let silent: Server;
/** Answers every connection with an HTTP error and hangs up. */
let http: Server;
const sockets = new Set<Socket>();
let closedPort: number;

function listen(onConnection: (socket: Socket) => void): Promise<Server> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function pgUrl(port: number, user = 'sluice', db = 'sluice', host = '127.0.0.1'): string {
  return `postgres://${user}@${host}:${port}/${db}`;
}

function kafkaConfig(brokers: string[], extra: Partial<KafkaConnectionConfig> = {}) {
  return {
    brokers,
    clientId: 'sluice-test',
    ssl: false,
    sslRejectUnauthorized: true,
    sasl: null,
    ...extra,
  } satisfies KafkaConnectionConfig;
}

/** A throwaway self-signed certificate (openssl comes with PostgreSQL's ssl-cert dependency). */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MissingBinaryError('openssl', 'openssl');
    }
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts a failure and that no secret leaked into its message. */
function expectFailure(
  result: ConnectionTestResult,
  cause: string,
  message: RegExp,
): Extract<ConnectionTestResult, { ok: false }> {
  expect(result, JSON.stringify(result)).toMatchObject({ ok: false, cause });
  if (result.ok) throw new Error('unreachable');
  expect(result.message).toMatch(message);
  for (const secret of SECRETS) {
    expect(result.message).not.toContain(secret);
    expect(result.message).not.toContain(encodeURIComponent(secret));
  }
  return result;
}

beforeAll(async () => {
  [postgres, redis, securedRedis, kafka] = await Promise.all([
    startPostgres({ password: PG_PASSWORD }),
    startRedis(),
    startRedis({ password: REDIS_PASSWORD }),
    startKafka({ brokers: 1, topics: [{ name: 'job-es-sync', partitions: 3 }] }),
  ]);
  // resume(): reading lets it notice when a client hangs up.
  silent = await listen((socket) => socket.resume());
  http = await listen((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  const probe = await listen(() => undefined);
  closedPort = portOf(probe);
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([
    postgres?.stop(),
    redis?.stop(),
    securedRedis?.stop(),
    kafka?.stop(),
    new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined))),
    new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined))),
  ]);
});

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

describe('failures name their cause', () => {
  it('a closed Redis port is "refused"', async () => {
    const result = await testOnce('redis', {
      url: `redis://127.0.0.1:${closedPort}`,
      password: null,
    });
    expectFailure(
      result,
      'refused',
      new RegExp(`^connection refused by 127\\.0\\.0\\.1:${closedPort}$`),
    );
  });

  it('a wrong PostgreSQL password is "auth", and the password is not in the message', async () => {
    const result = await testOnce('postgres', {
      url: pgUrl(postgres.port),
      password: WRONG_PASSWORD,
    });
    expectFailure(result, 'auth', /^authentication failed for user sluice on 127\.0\.0\.1:\d+$/);
  });

  it('PostgreSQL without a password when the server asks for one is "auth"', async () => {
    const result = await testOnce('postgres', { url: pgUrl(postgres.port), password: null });
    expectFailure(result, 'auth', /asks for a password for user sluice and none is configured/);
  });

  it('a missing PostgreSQL database is reported by name', async () => {
    const result = await testOnce('postgres', {
      url: pgUrl(postgres.port, 'sluice', 'no_such_db'),
      password: PG_PASSWORD,
    });
    expectFailure(result, 'unknown', /database "no_such_db" does not exist \(SQLSTATE 3D000\)/);
  });

  it('a wrong Redis password is "auth"', async () => {
    const result = await testOnce('redis', { url: securedRedis.url, password: WRONG_PASSWORD });
    expectFailure(result, 'auth', /^authentication failed on 127\.0\.0\.1:\d+$/);
  });

  it('Redis that requires a password, given none, is "auth"', async () => {
    const result = await testOnce('redis', { url: securedRedis.url, password: null });
    expectFailure(result, 'auth', /requires a password and none is configured/);
  });

  it('an unknown host is "dns" for every kind', async () => {
    const results = await Promise.all([
      testOnce('redis', { url: 'redis://nohost.invalid:6379', password: REDIS_PASSWORD }),
      testOnce('postgres', {
        url: pgUrl(5432, 'sluice', 'sluice', 'nohost.invalid'),
        password: PG_PASSWORD,
      }),
      testOnce('kafka', kafkaConfig(['nohost.invalid:9092'])),
    ]);
    for (const result of results) {
      expectFailure(result, 'dns', /^DNS lookup failed for nohost\.invalid/);
    }
  });

  it('a port that accepts TCP and never answers is "timeout" within the timeout', async () => {
    const port = portOf(silent);
    const timeoutMs = 1500;
    const started = Date.now();
    const results = await Promise.all([
      testOnce('redis', { url: `redis://127.0.0.1:${port}`, password: null }, timeoutMs),
      testOnce('postgres', { url: pgUrl(port), password: PG_PASSWORD }, timeoutMs),
      testOnce('kafka', kafkaConfig([`127.0.0.1:${port}`]), timeoutMs),
    ]);
    expect(Date.now() - started).toBeLessThan(timeoutMs + 1500);
    for (const result of results) {
      const failure = expectFailure(
        result,
        'timeout',
        /^no answer from .*127\.0\.0\.1:\d+ within 1\.5 s$/,
      );
      expect(failure.elapsedMs).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(failure.elapsedMs).toBeLessThan(timeoutMs + 1000);
    }
    expect((results[2] as { message: string }).message).toMatch(/^no answer from the broker at /);
    // Every socket the three clients opened is let go soon after.
    expect(await eventually(() => openConnections(silent), 0)).toBe(0);
  });

  it('TLS problems are "tls": an untrusted certificate, or a server without TLS', async () => {
    const tlsServer = createTlsServer(selfSignedCertificate(), (socket) => {
      socket.on('error', () => undefined);
      socket.resume();
    });
    tlsServer.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const tlsPort = portOf(tlsServer);
    try {
      const [redisSelfSigned, kafkaSelfSigned, kafkaPlainBroker, pgWithoutSsl] = await Promise.all([
        testOnce('redis', { url: `rediss://127.0.0.1:${tlsPort}`, password: REDIS_PASSWORD }, 3000),
        testOnce('kafka', kafkaConfig([`127.0.0.1:${tlsPort}`], { ssl: true }), 3000),
        testOnce('kafka', kafkaConfig(kafka.brokers, { ssl: true }), 3000),
        testOnce(
          'postgres',
          { url: `${pgUrl(postgres.port)}?sslmode=verify-full`, password: PG_PASSWORD },
          3000,
        ),
      ]);
      expectFailure(
        redisSelfSigned,
        'tls',
        /^TLS: the certificate of 127\.0\.0\.1:\d+ is self-signed/,
      );
      expectFailure(
        kafkaSelfSigned,
        'tls',
        /^TLS: the certificate of 127\.0\.0\.1:\d+ is self-signed/,
      );
      expectFailure(kafkaPlainBroker, 'tls', /^TLS handshake with 127\.0\.0\.1:\d+ failed/);
      expectFailure(pgWithoutSsl, 'tls', /does not accept TLS \(SSL\) connections$/);
    } finally {
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });

  it('a server of another kind is "protocol"', async () => {
    const [redisOnPg, kafkaOnPg, pgOnHttp, redisOnHttp] = await Promise.all([
      testOnce('redis', { url: `redis://127.0.0.1:${postgres.port}`, password: null }, 3000),
      testOnce('kafka', kafkaConfig([`127.0.0.1:${postgres.port}`]), 3000),
      testOnce('postgres', { url: pgUrl(portOf(http)), password: PG_PASSWORD }, 3000),
      testOnce('redis', { url: `redis://127.0.0.1:${portOf(http)}`, password: null }, 3000),
    ]);
    expectFailure(redisOnPg, 'protocol', /without answering like a Redis server/);
    expectFailure(kafkaOnPg, 'protocol', /without answering like a Kafka broker/);
    expectFailure(pgOnHttp, 'protocol', /without answering like a PostgreSQL server/);
    expectFailure(redisOnHttp, 'protocol', /answered, but not like a Redis server/);
  });

  it('SASL against a broker without SASL is "auth" and keeps the SASL password out', async () => {
    const result = await testOnce(
      'kafka',
      kafkaConfig(kafka.brokers, {
        sasl: { mechanism: 'plain', username: 'svc-sync', password: SASL_PASSWORD },
      }),
    );
    expectFailure(result, 'auth', /does not accept SASL/);
  });

  it('Kafka with every broker down fails within 10 s with a clear message', async () => {
    await kafka.brokerDown(-1);
    try {
      const started = Date.now();
      const result = await testOnce('kafka', kafkaConfig(kafka.brokers));
      expect(Date.now() - started).toBeLessThan(10_000);
      expectFailure(result, 'refused', /^connection refused by 127\.0\.0\.1:\d+$/);
    } finally {
      await kafka.brokerUp(-1);
    }
    expect(await testOnce('kafka', kafkaConfig(kafka.brokers))).toMatchObject({ ok: true });
  });

  it('a stopped Kafka cluster fails within 10 s', async () => {
    const gone = await startKafka();
    await gone.stop();
    const started = Date.now();
    const result = await testOnce('kafka', kafkaConfig(gone.brokers));
    expect(Date.now() - started).toBeLessThan(10_000);
    expectFailure(result, 'refused', /^connection refused by /);
  });
});

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

async function eventually(read: () => Promise<number>, expected: number): Promise<number> {
  const deadline = Date.now() + 3000;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
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
