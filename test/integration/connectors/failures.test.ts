import { createServer as createTlsServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { testOnce } from '../../../src-main/core/connectors/registry';
import { startKafka } from '../../../sandbox/servers';
import {
  PG_PASSWORD,
  REDIS_PASSWORD,
  SASL_PASSWORD,
  WRONG_PASSWORD,
  closedPort,
  eventually,
  expectFailure,
  http,
  kafka,
  kafkaConfig,
  openConnections,
  pgUrl,
  portOf,
  postgres,
  securedRedis,
  selfSignedCertificate,
  silent,
  useConnectorServers,
} from './support';

useConnectorServers();

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
    const tlsServer = createTlsServer(await selfSignedCertificate(), (socket) => {
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
