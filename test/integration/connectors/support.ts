/**
 * Servers and helpers shared by the connector tests: each test file that calls
 * useConnectorServers() starts its own set on random loopback ports. The
 * server variables are live bindings, filled in before the first test runs.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ConnectionTestResult } from '@shared/contract/channels/environments';
import type { KafkaConnectionConfig } from '../../../src-main/core/connectors/types';
import { startKafka, startPostgres, startRedis } from '../../../sandbox/servers';
import type { KafkaCluster, PostgresServer, RedisServer } from '../../../sandbox/servers';
// The Kafka harness's openssl helper makes the connector tests' certificates too.
export { selfSignedCertificate } from '../../../sandbox/servers/kafka/tls';

export const PG_PASSWORD = 'pg-Secret#1/x';
export const REDIS_PASSWORD = 'redis-Secret@2';
export const SASL_PASSWORD = 'sasl-Secret%3';
export const WRONG_PASSWORD = 'wrong-Secret:4';
const SECRETS = [PG_PASSWORD, REDIS_PASSWORD, SASL_PASSWORD, WRONG_PASSWORD];

export let postgres: PostgresServer;
export let redis: RedisServer;
export let securedRedis: RedisServer;
export let kafka: KafkaCluster;
/** Accepts TCP connections, reads and discards what it gets, never says a word. */
export let silent: Server;
/** Answers every connection with an HTTP error and hangs up. */
export let http: Server;
const sockets = new Set<Socket>();
export let closedPort: number;

export function listen(onConnection: (socket: Socket) => void): Promise<Server> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export function openConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

export function pgUrl(port: number, user = 'sluice', db = 'sluice', host = '127.0.0.1'): string {
  return `postgres://${user}@${host}:${port}/${db}`;
}

export function kafkaConfig(brokers: string[], extra: Partial<KafkaConnectionConfig> = {}) {
  return {
    brokers,
    clientId: 'sluice-test',
    ssl: false,
    sslRejectUnauthorized: true,
    sasl: null,
    ...extra,
  } satisfies KafkaConnectionConfig;
}

/** Asserts a failure and that no secret leaked into its message. */
export function expectFailure(
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

/** Polls a count until it equals the expected value or 3 s pass; answers the last reading. */
export async function eventually(read: () => Promise<number>, expected: number): Promise<number> {
  const deadline = Date.now() + 3000;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

export function useConnectorServers(): void {
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
}
