import { readFileSync } from 'node:fs';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka } from '../../../sandbox/servers';
import type { ApacheKafkaCluster } from '../../../sandbox/servers';

// kafkajs's enum for ACL pattern types is not exported under a usable name in its types.
const LITERAL = 3;

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

function client(brokers: string[], extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'harness-test',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 1, initialRetryTime: 100 },
    ...extra,
  });
}

async function describeCluster(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('Apache Kafka harness: one node with PLAINTEXT, SCRAM-SHA-512 and SSL listeners and the standard authorizer', () => {
  let cluster: ApacheKafkaCluster;
  beforeAll(async () => {
    cluster = await startKafka({
      brokers: 1,
      topics: [{ name: 'orders', partitions: 3 }],
      scramUsers: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'bob', password: 'bob-secret' },
      ],
      tls: true,
      authorizer: true,
    });
  });
  afterAll(async () => cluster?.stop());

  it('is real Kafka: produce, offsets, ListGroups and DescribeGroups of a live consumer group', async () => {
    expect(cluster.kind).toBe('apache-kafka');
    const kafka = client(cluster.brokers);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: 'orders',
      acks: -1,
      messages: [0, 1, 2, 3, 4].map((i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 3 })),
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'harness-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void (seen += 1) });
    const deadline = Date.now() + 30_000;
    while (seen < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(seen).toBe(5);

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('orders');
    expect(offsets.map((o) => Number(o.high)).reduce((a, b) => a + b, 0)).toBe(5);
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId)).toContain('harness-group');
    const described = await admin.describeGroups(['harness-group']);
    expect(described.groups[0]?.state).toBe('Stable');
    expect(described.groups[0]?.members).toHaveLength(1);
    await consumer.disconnect();
    await admin.disconnect();
  });

  it('SCRAM-SHA-512: the right password connects, a wrong one is refused', async () => {
    const good = client(cluster.saslBrokers, {
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' },
    });
    expect(await describeCluster(good)).toBe(1);
    const bad = client(cluster.saslBrokers, {
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'wrong' },
    });
    await expect(describeCluster(bad)).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed|Authentication failed/i,
    );
  });

  it('SSL: the test CA is trusted, another CA is refused', async () => {
    const certificates = cluster.certificates!;
    const good = client(cluster.sslBrokers, { ssl: { ca: [certificates.caPem] } });
    expect(await describeCluster(good)).toBe(1);
    const wrongCa = client(cluster.sslBrokers, { ssl: { ca: [certificates.otherCaPem] } });
    await expect(describeCluster(wrongCa)).rejects.toThrow(
      /self.signed|unable to verify|certificate/i,
    );
  });

  it('the authorizer denies a SCRAM user without ACLs and allows it once an ACL is created', async () => {
    const asBob = client(cluster.saslBrokers, {
      sasl: { mechanism: 'scram-sha-512', username: 'bob', password: 'bob-secret' },
    });
    const produce = async (): Promise<void> => {
      const producer = asBob.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        await producer.send({ topic: 'orders', messages: [{ value: 'from bob' }] });
      } finally {
        await producer.disconnect();
      }
    };
    await expect(produce()).rejects.toThrow(/not authorized/i);

    const admin = cluster.admin();
    await admin.connect();
    await admin.createAcls({
      acl: [AclOperationTypes.WRITE, AclOperationTypes.DESCRIBE].map((operation) => ({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'orders',
        resourcePatternType: LITERAL,
        principal: 'User:bob',
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      })),
    });
    await admin.disconnect();
    // ACLs propagate through the metadata log; give the broker a moment.
    const deadline = Date.now() + 15_000;
    let lastError: unknown = null;
    while (Date.now() < deadline) {
      try {
        await produce();
        lastError = null;
        break;
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(lastError).toBeNull();
  });

  it('brokerDown is kill -9 of the process; brokerUp brings it back on the same address', async () => {
    const pid = cluster.brokerPid(1)!;
    expect(processExists(pid)).toBe(true);
    await cluster.brokerDown(1);
    expect(processExists(pid)).toBe(false);
    expect(cluster.brokerPid(1)).toBeNull();
    await expect(describeCluster(client(cluster.brokers))).rejects.toThrow();
    await cluster.brokerUp(1);
    expect(await describeCluster(client(cluster.brokers))).toBe(1);
    await expect(cluster.brokerDown(2)).rejects.toThrow(/no Kafka node 2/);
  });
});

describe('Apache Kafka harness: three nodes', () => {
  let cluster: ApacheKafkaCluster;
  beforeAll(async () => {
    cluster = await startKafka({
      brokers: 3,
      topics: [{ name: 'replicated', partitions: 3, replicationFactor: 3 }],
    });
  });
  afterAll(async () => cluster?.stop());

  it('keeps serving a replicated topic with its partition leader killed, and takes the node back', async () => {
    expect(cluster.brokers).toHaveLength(3);
    expect(await describeCluster(client(cluster.brokers))).toBe(3);
    const leaders = await cluster.partitionLeaders('replicated');
    const leader = leaders.get(0)!;
    await cluster.brokerDown(leader);
    // The controllers fence the killed node after broker.session.timeout.ms and elect a new leader.
    const deadline = Date.now() + 20_000;
    let after = await cluster.partitionLeaders('replicated');
    while (after.get(0) === leader && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      after = await cluster.partitionLeaders('replicated');
    }
    expect(after.get(0)).not.toBe(leader);

    const kafka = client(cluster.brokers, { retry: { retries: 8, initialRetryTime: 200 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: 'replicated',
      acks: -1,
      messages: [{ value: 'x', partition: 0 }],
    });
    await producer.disconnect();
    const admin = cluster.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('replicated');
    await admin.disconnect();
    expect(offsets.find((o) => o.partition === 0)?.high).toBe('1');

    await cluster.brokerUp(leader);
    expect(await describeCluster(client(cluster.brokers))).toBe(3);
  });

  it('stop leaves no node running', async () => {
    const pids = [1, 2, 3].map((id) => cluster.brokerPid(id)!);
    await cluster.stop();
    expect(pids.filter(processExists)).toEqual([]);
  });
});
