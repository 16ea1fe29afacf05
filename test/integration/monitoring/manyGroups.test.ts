import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startKafka,
  startMockKafka,
  type ApacheKafkaCluster,
  type MockKafkaCluster,
} from '../../../sandbox/servers';
import type { KafkaConnectionConfig } from '../../../src-main/core/connectors/types';
import {
  GROUPS_PER_REQUEST,
  GroupOffsetsError,
  KafkaOffsetsClient,
  type GroupOffsets,
  type SentRequest,
} from '../../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import { createKafkaCluster } from '../../../src-main/core/monitoring/kafka/kafkajsCluster';
import { startMonitoringHarness, waitFor, type MonitoringHarness } from './harness';

// kafkajs's enum for ACL pattern types is not exported under a usable name in its types.
const LITERAL = 3;

const GROUPS = 300;
const ORDERS = { name: 'orders', partitions: 6, messages: 50 };
const PAYMENTS = { name: 'payments', partitions: 4, messages: 20 };
const TIMEOUT_MS = 10_000;

const groupName = (i: number) => `many-${String(i).padStart(3, '0')}`;

/** What group i committed: every orders partition; payments too for every third group. */
function expectedOffsets(i: number): Map<string, Map<number, number>> {
  const expected = new Map<string, Map<number, number>>();
  expected.set(
    ORDERS.name,
    new Map(
      Array.from({ length: ORDERS.partitions }, (_, p) => [
        p,
        (i * 7 + p * 3) % (ORDERS.messages + 1),
      ]),
    ),
  );
  if (i % 3 === 0) {
    expected.set(
      PAYMENTS.name,
      new Map(
        Array.from({ length: PAYMENTS.partitions }, (_, p) => [p, (i + p) % PAYMENTS.messages]),
      ),
    );
  }
  return expected;
}

/** What group i committed where only orders was seeded. */
function ordersOnly(i: number): Map<string, Map<number, number>> {
  return new Map([[ORDERS.name, expectedOffsets(i).get(ORDERS.name)!]]);
}

function plain(brokers: string[], clientId: string): KafkaConnectionConfig {
  return { brokers, clientId, ssl: false, sslRejectUnauthorized: true, sasl: null };
}

async function produce(
  brokers: string[],
  topic: { name: string; partitions: number; messages: number },
) {
  const kafka = new Kafka({ clientId: 'many-produce', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({
    topic: topic.name,
    acks: -1,
    messages: Array.from({ length: topic.partitions * topic.messages }, (_, k) => ({
      partition: k % topic.partitions,
      value: `m${k}`,
    })),
  });
  await producer.disconnect();
}

/** Commits every group's offsets (generation -1, as offset-reset tools do), 10 at a time. */
async function seed(brokers: string[], groups: number[], topics: string[]): Promise<void> {
  const committer = new KafkaOffsetsClient(plain(brokers, 'many-seed'), TIMEOUT_MS);
  try {
    await committer.watchTopics(topics);
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < groups.length) {
          const i = groups[next++]!;
          await committer.commitOffsets(
            groupName(i),
            [...expectedOffsets(i)]
              .filter(([topic]) => topics.includes(topic))
              .map(([topic, partitions]) => ({
                topic,
                partitions: [...partitions].map(([partition, offset]) => ({ partition, offset })),
              })),
          );
        }
      }),
    );
  } finally {
    await committer.disconnect();
  }
}

/** host:port of each group's coordinator, asked with kafkajs's own one-group FindCoordinator. */
async function coordinatorsOf(brokers: string[], groupIds: string[]): Promise<Map<string, string>> {
  const { cluster } = createKafkaCluster(
    { brokers, clientId: 'many-lookup', requestTimeout: TIMEOUT_MS, connectionTimeout: TIMEOUT_MS },
    300_000,
  );
  await cluster.connect();
  try {
    await cluster.refreshMetadata();
    const result = new Map<string, string>();
    for (const groupId of groupIds) {
      const found = (await cluster.findGroupCoordinatorMetadata({ groupId })) as unknown as {
        coordinator: { host: string; port: number };
      };
      result.set(groupId, `${found.coordinator.host}:${found.coordinator.port}`);
    }
    return result;
  } finally {
    await cluster.disconnect();
  }
}

function countBy(requests: SentRequest[], apiName: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests.filter((r) => r.apiName === apiName))
    counts.set(r.broker, (counts.get(r.broker) ?? 0) + 1);
  return counts;
}

/** Errors as their messages, so a timed-out wait shows them (an Error serializes as {}). */
function withMessages(results: GroupOffsets[]): GroupOffsets[] {
  for (const result of results) {
    const error = result.error;
    if (error instanceof Error)
      Object.defineProperty(error, 'toJSON', {
        value: () => String(error),
        configurable: true,
      });
  }
  return results;
}

/** broker -> how many of these groups it coordinates. */
function groupsPerCoordinator(brokers: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const broker of brokers) counts.set(broker, (counts.get(broker) ?? 0) + 1);
  return counts;
}

function committedOf(result: GroupOffsets): Map<string, Map<number, number>> {
  return new Map([...result.committed].filter(([, offsets]) => offsets.size > 0));
}

describe('many consumer groups on a three-node Apache Kafka', () => {
  let cluster: ApacheKafkaCluster;
  let harness: MonitoringHarness;
  const all = Array.from({ length: GROUPS }, (_, i) => i);
  const ids = all.map(groupName);
  let coordinators: Map<string, string>;

  beforeAll(async () => {
    cluster = await startKafka({
      brokers: 3,
      topics: [
        { name: ORDERS.name, partitions: ORDERS.partitions },
        { name: PAYMENTS.name, partitions: PAYMENTS.partitions },
      ],
    });
    harness = await startMonitoringHarness();
    await produce(cluster.brokers, ORDERS);
    await produce(cluster.brokers, PAYMENTS);
    await seed(cluster.brokers, all, [ORDERS.name, PAYMENTS.name]);
    coordinators = await coordinatorsOf(cluster.brokers, [...ids, 'never-committed']);
  });

  afterAll(async () => {
    await harness?.cleanup();
    await cluster?.stop();
  });

  it(`one refresh of ${GROUPS} discovered groups costs at most ceil(groups/${GROUPS_PER_REQUEST}) OffsetFetch per coordinator, and finds each group's topics from its commits`, async () => {
    // Only one group is configured, with no topics, and no topic is watched:
    // every other group is discovered, and every group's topics are found.
    const environmentId = await harness.addEnvironment({
      name: 'many-groups',
      kafka: { brokers: cluster.brokers },
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 600_000,
      timeoutMs: TIMEOUT_MS,
      kafka: { groups: [{ groupId: groupName(0) }] },
    });
    const monitor = harness.service.monitor(environmentId)!;
    const sent: SentRequest[] = [];
    monitor.kafkaProbe!.onRequest((request) => sent.push(request));
    await monitor.pollAll(); // connects, reads metadata, lists groups, finds coordinators
    // The coordinators of all groups were found in batches, not one by one.
    expect(sent.filter((r) => r.apiName === 'GroupCoordinator').length).toBeLessThanOrEqual(
      Math.ceil(GROUPS / GROUPS_PER_REQUEST),
    );
    sent.length = 0;
    await monitor.pollAll();

    expect(new Set(sent.map((r) => r.apiName))).toEqual(new Set(['ListOffsets', 'OffsetFetch']));
    expect(sent.filter((r) => r.apiName === 'ListOffsets').length).toBeLessThanOrEqual(3);
    const perCoordinator = groupsPerCoordinator(ids.map((id) => coordinators.get(id)!));
    const fetches = countBy(sent, 'OffsetFetch');
    for (const [broker, count] of fetches) {
      expect(perCoordinator.has(broker)).toBe(true);
      expect(count).toBeLessThanOrEqual(
        Math.ceil(perCoordinator.get(broker)! / GROUPS_PER_REQUEST),
      );
    }
    expect(sent.filter((r) => r.apiName === 'OffsetFetch').every((r) => r.apiVersion === 8)).toBe(
      true,
    );

    const snapshot = harness.snapshot(environmentId);
    expect(snapshot.servers.find((s) => s.server === 'kafka')!.state).toBe('up');
    const rows = new Map(snapshot.kafka!.groups.map((g) => [g.groupId, g]));
    expect([...rows.keys()].sort()).toEqual(ids);
    for (const i of all) {
      const group = rows.get(groupName(i))!;
      const expected = expectedOffsets(i);
      expect(group.error).toBeNull();
      expect(group.origin).toBe(i === 0 ? 'configuration' : 'broker');
      expect(group.topics.map((t) => t.topic).sort()).toEqual([...expected.keys()].sort());
      for (const row of harness.service.partitions(environmentId, groupName(i))) {
        const committed = expected.get(row.topic)!.get(row.partition)!;
        const logEnd = row.topic === ORDERS.name ? ORDERS.messages : PAYMENTS.messages;
        expect(row).toMatchObject({ committedOffset: committed, logEndOffset: logEnd });
        expect(row.lag).toBe(Math.max(0, logEnd - committed));
      }
    }
  });

  it('discovered groups are checked against the watched topics where there are any', async () => {
    const environmentId = await harness.addEnvironment({
      name: 'many-groups-payments',
      kafka: { brokers: cluster.brokers },
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 600_000,
      timeoutMs: TIMEOUT_MS,
      kafka: { topics: [PAYMENTS.name] },
    });
    await harness.service.monitor(environmentId)!.pollAll();
    const rows = new Map(harness.snapshot(environmentId).kafka!.groups.map((g) => [g.groupId, g]));
    expect(rows.size).toBe(GROUPS);
    for (const i of all) {
      expect(rows.get(groupName(i))!.topics.map((t) => t.topic)).toEqual(
        i % 3 === 0 ? [PAYMENTS.name] : [],
      );
    }
  });

  it('the client chunks OffsetFetch and FindCoordinator: exactly ceil(groups/chunk) per coordinator, every offset right', async () => {
    const chunk = 40;
    const client = new KafkaOffsetsClient(
      plain(cluster.brokers, 'many-client'),
      TIMEOUT_MS,
      300_000,
      {
        groupsPerRequest: chunk,
      },
    );
    const sent: SentRequest[] = [];
    client.onRequest((request) => sent.push(request));
    try {
      await client.watchTopics([ORDERS.name]);
      sent.length = 0;
      const asked = [
        ...ids.map((groupId) => ({ groupId, topics: 'all' as const })),
        { groupId: 'never-committed', topics: 'all' as const },
      ];
      const results = await client.committedOffsetsOfGroups(asked);
      expect(sent.filter((r) => r.apiName === 'GroupCoordinator').length).toBe(
        Math.ceil(asked.length / chunk),
      );
      const fetches = countBy(sent, 'OffsetFetch');
      const perCoordinator = groupsPerCoordinator(asked.map((a) => coordinators.get(a.groupId)!));
      expect(Object.fromEntries(fetches)).toEqual(
        Object.fromEntries(
          [...perCoordinator].map(([broker, n]) => [broker, Math.ceil(n / chunk)]),
        ),
      );

      expect(results.map((r) => r.groupId)).toEqual(asked.map((a) => a.groupId));
      for (const i of all) {
        expect(results[i]!.error).toBeNull();
        expect(committedOf(results[i]!)).toEqual(expectedOffsets(i));
      }
      expect(results[GROUPS]).toMatchObject({ groupId: 'never-committed', error: null });
      expect(results[GROUPS]!.committed.size).toBe(0);

      // Named topics: only those, with every partition listed; cached coordinators, no look-up.
      sent.length = 0;
      const named = await client.committedOffsetsOfGroups(
        [3, 4].map((i) => ({ groupId: groupName(i), topics: [ORDERS.name] })),
      );
      expect(sent.every((r) => r.apiName === 'OffsetFetch')).toBe(true);
      expect(named.map((r) => [...r.committed.keys()])).toEqual([[ORDERS.name], [ORDERS.name]]);
      expect(named[0]!.committed.get(ORDERS.name)).toEqual(expectedOffsets(3).get(ORDERS.name));
    } finally {
      await client.disconnect();
    }
  });

  it('a coordinator killed: its groups carry their own error, the others are read, and later refreshes find the new coordinators', async () => {
    const client = new KafkaOffsetsClient(plain(cluster.brokers, 'many-kill'), 3000);
    try {
      const asked = ids.map((groupId) => ({ groupId, topics: 'all' as const }));
      const before = await client.committedOffsetsOfGroups(asked);
      expect(before.every((r) => r.error === null)).toBe(true);

      const victim = cluster.brokers[2]!; // node 3
      const onVictim = new Set(ids.filter((id) => coordinators.get(id) === victim));
      expect(onVictim.size).toBeGreaterThan(0);
      await cluster.brokerDown(3);

      const during = await client.committedOffsetsOfGroups(asked);
      for (const [i, result] of during.entries()) {
        if (onVictim.has(result.groupId)) expect(result.error).not.toBeNull();
        else {
          expect(result.error).toBeNull();
          expect(committedOf(result)).toEqual(expectedOffsets(i));
        }
      }

      // The controllers fence the node and move its offsets partitions; the
      // client looks the failed groups' coordinators up again on each call.
      const after = await waitFor(
        'every group to be read again from its new coordinator',
        () => client.committedOffsetsOfGroups(asked).then(withMessages),
        (results) => results.every((r) => r.error === null),
        60_000,
        500,
      );
      for (const i of all) expect(committedOf(after[i]!)).toEqual(expectedOffsets(i));
    } finally {
      await client.disconnect();
    }
  });
});

describe('group authorization, per group', () => {
  const MONITOR = { name: 'monitor', password: 'monitor-secret' };
  let cluster: ApacheKafkaCluster;

  beforeAll(async () => {
    cluster = await startKafka({
      authorizer: true,
      scramUsers: [MONITOR],
      topics: [{ name: ORDERS.name, partitions: ORDERS.partitions }],
    });
    await produce(cluster.brokers, ORDERS);
    await seed(cluster.brokers, [0, 1, 2], [ORDERS.name]);
    const admin = cluster.admin();
    await admin.connect();
    const allow = (resourceType: AclResourceTypes, resourceName: string, pattern: number) => ({
      resourceType,
      resourceName,
      resourcePatternType: pattern,
      principal: `User:${MONITOR.name}`,
      host: '*',
      operation: AclOperationTypes.DESCRIBE,
      permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({
      acl: [
        allow(AclResourceTypes.TOPIC, ORDERS.name, LITERAL),
        allow(AclResourceTypes.GROUP, groupName(0), LITERAL),
        allow(AclResourceTypes.GROUP, groupName(1), LITERAL),
      ],
    });
    await admin.disconnect();
  });

  afterAll(async () => cluster?.stop());

  it("GROUP_AUTHORIZATION_FAILED is that group's error, in words, from FindCoordinator and from OffsetFetch; the other groups are read", async () => {
    const client = new KafkaOffsetsClient(
      {
        brokers: cluster.saslBrokers,
        clientId: 'many-auth',
        ssl: false,
        sslRejectUnauthorized: true,
        sasl: { mechanism: 'scram-sha-512', username: MONITOR.name, password: MONITOR.password },
      },
      TIMEOUT_MS,
    );
    const sent: SentRequest[] = [];
    client.onRequest((request) => sent.push(request));
    const asked = [0, 1, 2].map((i) => ({ groupId: groupName(i), topics: 'all' as const }));
    try {
      // ACLs reach the broker through the metadata log: wait until both allowed groups read.
      const first = await waitFor(
        'the ACLs to apply',
        () => client.committedOffsetsOfGroups(asked).then(withMessages),
        (results) => results[0]!.error === null && results[1]!.error === null,
        15_000,
        250,
      );
      for (const i of [0, 1]) expect(committedOf(first[i]!)).toEqual(ordersOnly(i));
      // Group 2 has no ACL: FindCoordinator already refuses it.
      const denied = first[2]!.error;
      expect(denied).toBeInstanceOf(GroupOffsetsError);
      expect((denied as GroupOffsetsError).code).toBe(30);
      expect((denied as Error).message).toBe(
        `not allowed as user monitor to read the offsets of group ${groupName(2)} (GROUP_AUTHORIZATION_FAILED): the DESCRIBE permission on the group is missing`,
      );

      // Group 1's ACL is removed after its coordinator was found: now OffsetFetch refuses it.
      const admin = cluster.admin();
      await admin.connect();
      await admin.deleteAcls({
        filters: [
          {
            resourceType: AclResourceTypes.GROUP,
            resourceName: groupName(1),
            resourcePatternType: LITERAL,
            principal: `User:${MONITOR.name}`,
            host: '*',
            operation: AclOperationTypes.DESCRIBE,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      });
      await admin.disconnect();
      const readOnly = asked.slice(0, 2);
      const revoked = await waitFor(
        'the revoked ACL to apply',
        async () => {
          sent.length = 0;
          return client.committedOffsetsOfGroups(readOnly);
        },
        (results) => results[1]!.error !== null,
        15_000,
        250,
      );
      expect(sent.map((r) => r.apiName)).toEqual(['OffsetFetch']);
      expect((revoked[1]!.error as GroupOffsetsError).code).toBe(30);
      expect(revoked[0]!.error).toBeNull();
      expect(committedOf(revoked[0]!)).toEqual(ordersOnly(0));
    } finally {
      await client.disconnect();
    }
  });
});

describe('brokers without batched OffsetFetch (librdkafka mock cluster)', () => {
  let mock: MockKafkaCluster;
  beforeAll(async () => {
    mock = await startMockKafka({
      brokers: 3,
      topics: [{ name: ORDERS.name, partitions: ORDERS.partitions }],
    });
    await produce(mock.brokers, ORDERS);
    await seed(mock.brokers, [0, 1, 2, 3, 4, 5, 6, 7], [ORDERS.name]);
  });
  afterAll(async () => mock?.stop());

  it('fall back to one OffsetFetch per group with kafkajs encoding, with the same results', async () => {
    const client = new KafkaOffsetsClient(plain(mock.brokers, 'many-mock'), TIMEOUT_MS);
    const sent: SentRequest[] = [];
    client.onRequest((request) => sent.push(request));
    try {
      await client.watchTopics([ORDERS.name]);
      const asked = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({
        groupId: groupName(i),
        topics: [ORDERS.name],
      }));
      await client.committedOffsetsOfGroups(asked); // finds the coordinators
      sent.length = 0;
      const results = await client.committedOffsetsOfGroups(asked);
      const fetches = sent.filter((r) => r.apiName === 'OffsetFetch');
      expect(fetches).toHaveLength(asked.length);
      expect(fetches.every((r) => r.apiVersion < 8)).toBe(true);
      for (const [i, result] of results.entries()) {
        expect(result.error).toBeNull();
        expect(committedOf(result)).toEqual(ordersOnly(i));
      }
    } finally {
      await client.disconnect();
    }
  });
});
