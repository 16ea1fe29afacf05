import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type ApacheKafkaCluster } from '../../../sandbox/servers';
import {
  GROUPS_PER_REQUEST,
  KafkaOffsetsClient,
  type SentRequest,
} from '../../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import { startMonitoringHarness, waitFor, type MonitoringHarness } from './harness';
import {
  GROUPS,
  ORDERS,
  PAYMENTS,
  TIMEOUT_MS,
  groupName,
  expectedOffsets,
  plain,
  produce,
  seed,
  coordinatorsOf,
  countBy,
  withMessages,
  groupsPerCoordinator,
  committedOf,
} from './manyGroupsSupport';

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
