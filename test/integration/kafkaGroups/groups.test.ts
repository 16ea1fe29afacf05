/**
 * Consumer groups as Apache Kafka reports them, and offset resets, through
 * Sluice's channels: a group Sluice was never told about, its members and
 * assignment, a member leaving, and a reset refused then applied.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type ApacheKafkaCluster } from '../../../sandbox/servers';
import { startTestCore, type TestCore } from '../../support/testCore';
import { until } from '../../support/until';

const TOPIC = 'jobs';
let cluster: ApacheKafkaCluster;
let t: TestCore;
let environmentId: string;
let kafka: Kafka;

/** A consumer that reads `count` records and commits after each. */
async function consume(groupId: string, clientId: string, count: number): Promise<Consumer> {
  const consumer = new Kafka({
    clientId,
    brokers: cluster.brokers,
    logLevel: logLevel.NOTHING,
  }).consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let seen = 0;
  const enough = new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: true,
      autoCommitThreshold: 1,
      eachMessage: async () => {
        seen += 1;
        if (seen >= count) resolve();
      },
    });
  });
  await enough;
  return consumer;
}

beforeAll(async () => {
  cluster = (await startKafka({
    brokers: 1,
    topics: [{ name: TOPIC, partitions: 3 }],
  })) as ApacheKafkaCluster;
  kafka = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  for (let partition = 0; partition < 3; partition += 1) {
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `p${partition}-${i}` })),
    });
  }
  await producer.disconnect();
  t = await startTestCore();
  const saved = await t.call('environments.save', {
    environment: {
      name: `groups-${randomUUID().slice(0, 8)}`,
      colour: '#335577',
      kafka: { brokers: cluster.brokers },
    },
  });
  environmentId = saved.id;
}, 180_000);

afterAll(async () => {
  await t?.cleanup();
  await cluster?.stop();
});

describe('consumer groups on Apache Kafka', () => {
  it('describes a group Sluice was never told about: state, members, assignment, topics from its commits; a leaving member makes it Empty', async () => {
    const consumer = await consume('indexer', 'indexer-client', 30);
    try {
      const described = await until('a stable group with its commits', async () => {
        const group = await t.call('kafka.groups.describe', { environmentId, groupId: 'indexer' });
        const committed = group.offsets.filter((o) => o.committed === 10).length;
        return group.state === 'Stable' && committed === 3 ? group : null;
      });
      expect(described).toMatchObject({ groupId: 'indexer', protocolType: 'consumer' });
      expect(described.protocol).not.toBe('');
      expect(described.members).toHaveLength(1);
      const [member] = described.members;
      expect(member).toMatchObject({ clientId: 'indexer-client', host: '127.0.0.1' });
      expect(member!.assignment).toEqual([{ topic: TOPIC, partitions: [0, 1, 2] }]);
      expect(described.offsets).toEqual(
        [0, 1, 2].map((partition) => ({
          topic: TOPIC,
          partition,
          committed: 10,
          logStart: 0,
          logEnd: 10,
          lag: 0,
          memberId: member!.memberId,
        })),
      );

      // Kafka refuses a commit from outside while the member is there; Sluice says who it is.
      const refused = await t.failure('kafka.offsets.reset', {
        environmentId,
        groupId: 'indexer',
        topic: TOPIC,
        target: { kind: 'earliest' },
      });
      expect(refused.code).toBe('CONFLICT');
      expect(refused.message).toMatch(
        /group "indexer" has 1 member \(indexer-client on 127\.0\.0\.1\)/,
      );
    } finally {
      await consumer.disconnect();
    }
    const empty = await until('the group to go Empty', async () => {
      const group = await t.call('kafka.groups.describe', { environmentId, groupId: 'indexer' });
      return group.state === 'Empty' ? group : null;
    });
    expect(empty.members).toEqual([]);
    expect(empty.offsets.map((o) => o.committed)).toEqual([10, 10, 10]);
  });

  it('previews and applies a reset on an empty group; the coordinator holds the new offsets; the audit has before and after', async () => {
    const preview = await t.call('kafka.offsets.previewReset', {
      environmentId,
      groupId: 'indexer',
      topic: TOPIC,
      partitions: [1],
      target: { kind: 'shift', by: -4 },
    });
    expect(preview).toMatchObject({
      state: 'Empty',
      members: [],
      refusal: null,
      rows: [{ topic: TOPIC, partition: 1, current: 10, next: 6, lagBefore: 0, lagAfter: 4 }],
    });
    const applied = await t.call('kafka.offsets.reset', {
      environmentId,
      groupId: 'indexer',
      topic: TOPIC,
      partitions: [1],
      target: { kind: 'shift', by: -4 },
    });
    expect(applied.rows).toEqual([{ topic: TOPIC, partition: 1, before: 10, after: 6 }]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: 'indexer', topics: [TOPIC] });
      expect(
        offsets[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset),
      ).toEqual(['10', '6', '10']);
    } finally {
      await admin.disconnect();
    }
    const records = t.core.db
      .prepare(
        "SELECT before_json, after_json, result FROM audit_log WHERE action = 'kafka.offsets.reset' ORDER BY seq",
      )
      .all() as { before_json: string; after_json: string; result: string }[];
    expect(records.map((r) => r.result)).toEqual(['failed', 'ok']);
    expect(JSON.parse(records[1]!.before_json).offsets).toEqual([
      { topic: TOPIC, partition: 1, offset: 10 },
    ]);
    expect(JSON.parse(records[1]!.after_json).offsets).toEqual([
      { topic: TOPIC, partition: 1, offset: 6 },
    ]);

    // Started again, the consumer reads the four records once more (consume() waits for them).
    const consumer = await consume('indexer', 'indexer-client', 4);
    await consumer.disconnect();
  });

  it('a second member joining rebalances the group: both are listed, the partitions split between them', async () => {
    const first = await consume('rebalancing', 'worker-a', 1);
    const second = new Kafka({
      clientId: 'worker-b',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
    }).consumer({ groupId: 'rebalancing', sessionTimeout: 10_000, heartbeatInterval: 1000 });
    try {
      await second.connect();
      await second.subscribe({ topic: TOPIC, fromBeginning: true });
      void second.run({ eachMessage: async () => undefined });
      const split = await until('two members sharing the partitions', async () => {
        const group = await t.call('kafka.groups.describe', {
          environmentId,
          groupId: 'rebalancing',
        });
        const assigned = group.members.flatMap((m) => m.assignment.flatMap((a) => a.partitions));
        return group.state === 'Stable' &&
          group.members.length === 2 &&
          group.members.every((m) => m.assignment.length === 1)
          ? { group, assigned }
          : null;
      });
      expect(split.group.members.map((m) => m.clientId)).toEqual(['worker-a', 'worker-b']);
      expect([...split.assigned].sort()).toEqual([0, 1, 2]);
    } finally {
      await second.disconnect();
      await first.disconnect();
    }
  });

  it('to a timestamp: the first record at or after it; an unknown group is named', async () => {
    const preview = await t.call('kafka.offsets.previewReset', {
      environmentId,
      groupId: 'indexer',
      topic: TOPIC,
      target: { kind: 'timestamp', timestamp: 0 },
    });
    expect(preview.rows.map((r) => r.next)).toEqual([0, 0, 0]);
    const future = await t.call('kafka.offsets.previewReset', {
      environmentId,
      groupId: 'indexer',
      topic: TOPIC,
      target: { kind: 'timestamp', timestamp: Date.now() + 3_600_000 },
    });
    expect(future.rows.map((r) => r.next)).toEqual([10, 10, 10]);
    const unknown = await t.failure('kafka.groups.describe', { environmentId, groupId: 'nobody' });
    expect(unknown).toMatchObject({
      code: 'NOT_FOUND',
      message: 'the cluster knows no consumer group "nobody"',
    });
  });
});
