/**
 * The Kafka connection test (testOnce, which environments.testConnection
 * runs) against the secured listeners of a real Apache Kafka broker: SCRAM-SHA-512
 * logins, an SSL listener whose certificate a throwaway CA signed, and the
 * standard authorizer, where a SCRAM user gets only what ACLs grant.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  Kafka,
  ResourcePatternTypes,
  logLevel,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionTestResultSchema,
  type ConnectionTestResult,
} from '@shared/contract/channels/environments';
import { classifyConnectionError } from '../../../src-main/core/connectors/classify';
import type { FailureContext } from '../../../src-main/core/connectors/classify';
import { KafkaConnector } from '../../../src-main/core/connectors/kafka';
import { testOnce } from '../../../src-main/core/connectors/registry';
import type { KafkaConnectionConfig } from '../../../src-main/core/connectors/types';
import { startKafka } from '../../../sandbox/servers';
import type { ApacheKafkaCluster } from '../../../sandbox/servers';
import { SASL_PASSWORD, WRONG_PASSWORD, expectFailure, kafkaConfig } from './support';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./kafkaTestChild.ts', import.meta.url));
const TIMEOUT_MS = 5000;

/** The login an environment is configured with: it may describe the sync topic. */
const SYNC_USER = { name: 'svc-sync', password: SASL_PASSWORD };
/** Logs in, and no ACL names it until a test grants one. */
const NO_ACL_USER = { name: 'svc-noacl', password: 'noacl-Secret.6' };
/** Also without ACLs at first, for the driver-level refusals. */
const READER_USER = { name: 'svc-reader', password: 'reader-Secret.7' };
const PASSWORDS = [SASL_PASSWORD, WRONG_PASSWORD, NO_ACL_USER.password, READER_USER.password];

const SYNC_TOPIC = 'job-es-sync';
const DLQ_TOPIC = 'job-es-sync-dlq';
const GROUP = 'job-es-indexer';

let cluster: ApacheKafkaCluster;

function scram(user: { name: string; password: string }): KafkaConnectionConfig['sasl'] {
  return { mechanism: 'scram-sha-512', username: user.name, password: user.password };
}

function saslConfig(user: { name: string; password: string }): KafkaConnectionConfig {
  return kafkaConfig(cluster.saslBrokers, { sasl: scram(user) });
}

/** The words the monitor panels give a failed call, built as KafkaLagProbe builds them. */
function describeFailure(error: unknown, user: string): ReturnType<typeof classifyConnectionError> {
  const ctx: FailureContext = {
    service: 'kafka',
    target: cluster.saslBrokers.join(', '),
    user,
    tls: false,
    timeoutMs: TIMEOUT_MS,
  };
  return classifyConnectionError(error, ctx);
}

/** Allows `operations` on one resource to a SCRAM user, through the harness's super user. */
async function grant(
  user: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  operations: AclOperationTypes[],
): Promise<void> {
  const admin = cluster.admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: operations.map((operation) => ({
        resourceType,
        resourceName,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: `User:${user}`,
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Repeats `attempt` until `done` says yes or 30 s pass, and answers the last
 * value: an ACL reaches the broker's authorizer through the metadata log, a
 * moment after createAcls returns.
 */
async function until<T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  let value = await attempt();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await attempt();
  }
  return value;
}

/** The error `work` threw, or null when it succeeded. */
async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
    return null;
  } catch (error) {
    return error ?? new Error('thrown without a value');
  }
}

/**
 * testOnce in a Node process started with NODE_EXTRA_CA_CERTS=<caPem>: the
 * connection settings have no CA field, so a private CA reaches Sluice only
 * through the process's trust store, and Node reads this variable at start-up.
 */
async function testOnceTrusting(
  caPem: string,
  config: KafkaConnectionConfig,
): Promise<ConnectionTestResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-ca-'));
  try {
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, caPem);
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', CHILD, JSON.stringify(config), String(TIMEOUT_MS)],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
          timeout: 60_000,
        },
        (error, out, stderr) =>
          error ? reject(new Error(`${CHILD} failed: ${stderr || error.message}`)) : resolve(out),
      );
    });
    return connectionTestResultSchema.parse(JSON.parse(stdout));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function expectNoPassword(result: ConnectionTestResult): void {
  const text = JSON.stringify(result);
  for (const password of PASSWORDS) {
    expect(text).not.toContain(password);
    expect(text).not.toContain(encodeURIComponent(password));
  }
}

beforeAll(async () => {
  cluster = await startKafka({
    brokers: 1,
    topics: [
      { name: SYNC_TOPIC, partitions: 3 },
      { name: DLQ_TOPIC, partitions: 1 },
    ],
    scramUsers: [SYNC_USER, NO_ACL_USER, READER_USER],
    tls: true,
    authorizer: true,
  });
  await grant(SYNC_USER.name, AclResourceTypes.TOPIC, SYNC_TOPIC, [AclOperationTypes.DESCRIBE]);
  // Checked with a plain kafkajs client, so the tests below start from a
  // granted ACL without leaning on the code under test.
  const asSync = new Kafka({
    clientId: 'acl-wait',
    brokers: cluster.saslBrokers,
    sasl: { mechanism: 'scram-sha-512', username: SYNC_USER.name, password: SYNC_USER.password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  await asSync.connect();
  try {
    const denied = await until(
      () => errorOf(() => asSync.fetchTopicMetadata({ topics: [SYNC_TOPIC] })),
      (error) => error === null,
    );
    expect(denied, 'the DESCRIBE ACL of svc-sync never took effect').toBeNull();
  } finally {
    await asSync.disconnect();
  }
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('SCRAM-SHA-512 listener', () => {
  it('the right password: ok, with the broker count and the topics the login may see', async () => {
    const result = await testOnce('kafka', saslConfig(SYNC_USER), TIMEOUT_MS);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, service: 'kafka' });
    if (!result.ok) return;
    expect(result.version).toBe('1 broker, controller 1');
    // Only its one ACL'd topic: the DLQ topic stays hidden from it.
    expect(result.details).toMatch(/^cluster id \S+; 1 topic visible$/);
    expectNoPassword(result);
  });

  it('a wrong password: "auth", saying the user name or password was refused, and no password anywhere', async () => {
    const result = await testOnce(
      'kafka',
      saslConfig({ name: SYNC_USER.name, password: WRONG_PASSWORD }),
      TIMEOUT_MS,
    );
    expectFailure(
      result,
      'auth',
      /^SASL authentication failed for user svc-sync on 127\.0\.0\.1:\d+: the broker refused the user name or password \(SCRAM-SHA-512\)$/,
    );
    expectNoPassword(result);
  });

  it('a user the broker does not know gets the same answer (Kafka does not say which part was wrong)', async () => {
    const result = await testOnce(
      'kafka',
      saslConfig({ name: 'svc-ghost', password: WRONG_PASSWORD }),
      TIMEOUT_MS,
    );
    expectFailure(
      result,
      'auth',
      /^SASL authentication failed for user svc-ghost on 127\.0\.0\.1:\d+: the broker refused the user name or password \(SCRAM-SHA-512\)$/,
    );
    expectNoPassword(result);
  });
});

describe('SSL listener (certificate signed by the throwaway test CA)', () => {
  const sslConfig = (): KafkaConnectionConfig => kafkaConfig(cluster.sslBrokers, { ssl: true });

  it('trusting the test CA: ok', async () => {
    const result = await testOnceTrusting(cluster.certificates!.caPem, sslConfig());
    expect(result, JSON.stringify(result)).toMatchObject({
      ok: true,
      service: 'kafka',
      version: '1 broker, controller 1',
    });
  });

  it('trusting another CA: "tls", the certificate is not trusted, in words', async () => {
    const certificates = cluster.certificates!;
    expect(certificates.otherCaPem).not.toBe(certificates.caPem);
    const result = await testOnceTrusting(certificates.otherCaPem, sslConfig());
    const failure = expectFailure(
      result,
      'tls',
      /^TLS: the certificate of 127\.0\.0\.1:\d+ is signed by an authority this machine does not trust$/,
    );
    // Words, not OpenSSL's code (the broker sends its CA along: SELF_SIGNED_CERT_IN_CHAIN).
    expect(failure.message).not.toMatch(/[A-Z]+_[A-Z_]+/);
  });

  it('with only the default trust store, in this process, the same words', async () => {
    const result = await testOnce('kafka', sslConfig(), TIMEOUT_MS);
    expectFailure(
      result,
      'tls',
      /^TLS: the certificate of 127\.0\.0\.1:\d+ is signed by an authority this machine does not trust$/,
    );
  });

  it('with certificate checks switched off (sslRejectUnauthorized: false) the listener answers', async () => {
    const result = await testOnce(
      'kafka',
      kafkaConfig(cluster.sslBrokers, { ssl: true, sslRejectUnauthorized: false }),
      TIMEOUT_MS,
    );
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  });
});

describe('the standard authorizer', () => {
  it('a login without ACLs may describe the cluster, but the test reports "auth": it may describe no topic; one ACL makes the same test pass', async () => {
    // What Kafka allows every authenticated login: the cluster's brokers and id.
    const connector = new KafkaConnector(saslConfig(NO_ACL_USER), { timeoutMs: TIMEOUT_MS });
    try {
      const admin = await connector.admin();
      expect((await admin.describeCluster()).brokers).toHaveLength(1);
      expect(await admin.listTopics()).toEqual([]);
    } finally {
      await connector.close();
    }

    const denied = await testOnce('kafka', saslConfig(NO_ACL_USER), TIMEOUT_MS);
    expectFailure(
      denied,
      'auth',
      /^the broker at 127\.0\.0\.1:\d+ refused: user svc-noacl is not authorised to describe any topic \(it logged in, but the broker shows it no topic at all\)$/,
    );
    expectNoPassword(denied);

    await grant(NO_ACL_USER.name, AclResourceTypes.TOPIC, SYNC_TOPIC, [AclOperationTypes.DESCRIBE]);
    const granted = await until(
      () => testOnce('kafka', saslConfig(NO_ACL_USER), TIMEOUT_MS),
      (result) => result.ok,
    );
    expect(granted, JSON.stringify(granted)).toMatchObject({ ok: true });
    if (granted.ok) expect(granted.details).toMatch(/; 1 topic visible$/);
  });

  it('the super user on an authorizer cluster passes, seeing every topic', async () => {
    const result = await testOnce('kafka', kafkaConfig(cluster.brokers), TIMEOUT_MS);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    if (result.ok) expect(result.details).toMatch(/; [2-9]\d* topics visible$/);
  });

  it('what real Kafka refuses reads as "not authorised to …" for topics and the cluster, and the same calls pass once granted', async () => {
    const connector = new KafkaConnector(saslConfig(READER_USER), { timeoutMs: TIMEOUT_MS });
    const topicMetadata = async (): Promise<unknown> => {
      const admin = await connector.admin();
      return errorOf(() => admin.fetchTopicMetadata({ topics: [DLQ_TOPIC] }));
    };
    const group = async (): Promise<unknown> => {
      const admin = await connector.admin();
      return errorOf(() => admin.describeGroups([GROUP]));
    };
    try {
      const topicError = await topicMetadata();
      expect(topicError).toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
      expect(describeFailure(topicError, READER_USER.name)).toEqual({
        cause: 'auth',
        message: `the broker at ${cluster.saslBrokers[0]} refused: user svc-reader is not authorised to describe or use a topic this request names (TOPIC_AUTHORIZATION_FAILED)`,
      });

      const admin = await connector.admin();
      const clusterError = await errorOf(() =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }],
        }),
      );
      expect(clusterError).toMatchObject({ type: 'CLUSTER_AUTHORIZATION_FAILED' });
      expect(describeFailure(clusterError, READER_USER.name)).toEqual({
        cause: 'auth',
        message: `the broker at ${cluster.saslBrokers[0]} refused: user svc-reader is not authorised to make this cluster-wide request (CLUSTER_AUTHORIZATION_FAILED)`,
      });

      // Kafka answers FindCoordinator for a denied group with
      // GROUP_AUTHORIZATION_FAILED, but kafkajs drops that answer and throws
      // its own error: the words say what it may mean.
      const groupError = await group();
      expect(groupError).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound' });
      expect(describeFailure(groupError, READER_USER.name)).toEqual({
        cause: 'unknown',
        message: `no broker at ${cluster.saslBrokers[0]} named a coordinator for the consumer group: either user svc-reader is not authorised to describe that group, or its coordinator is not available yet`,
      });

      await grant(READER_USER.name, AclResourceTypes.TOPIC, DLQ_TOPIC, [
        AclOperationTypes.DESCRIBE,
      ]);
      await grant(READER_USER.name, AclResourceTypes.GROUP, GROUP, [AclOperationTypes.DESCRIBE]);
      expect(await until(topicMetadata, (error) => error === null)).toBeNull();
      expect(await until(group, (error) => error === null)).toBeNull();
    } finally {
      await connector.close();
    }
  });
});
