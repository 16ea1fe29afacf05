import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaCluster } from '../../../sandbox/servers';
import { KafkaOffsetsClient } from '../../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import { sleep, startMonitoringHarness, waitFor, type MonitoringHarness } from './harness';

const TOPIC = 'orders';
const PARTITIONS = 3;
let cluster: KafkaCluster;
let harness: MonitoringHarness;
let kafka: Kafka;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  cluster = await startKafka({
    brokers: 3,
    topics: [
      { name: TOPIC, partitions: PARTITIONS },
      { name: 'audit', partitions: 4 },
    ],
  });
  harness = await startMonitoringHarness();
  kafka = new Kafka({
    clientId: 'monitoring-test',
    brokers: cluster.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
  });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await harness?.cleanup();
  await cluster?.stop();
});

/** Sends `perPartitionPerSecond` messages to every partition until stopped. */
async function steadyProducer(perPartitionPerSecond: number): Promise<{ stop(): Promise<void> }> {
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let running = true;
  const tickMs = 100;
  const perTick = (perPartitionPerSecond * tickMs) / 1000;
  let owed = 0;
  const loop = (async () => {
    while (running) {
      owed += perTick;
      const count = Math.floor(owed);
      owed -= count;
      if (count > 0) {
        const messages = [];
        for (let p = 0; p < PARTITIONS; p += 1) {
          for (let i = 0; i < count; i += 1)
            messages.push({ partition: p, value: `m-${Date.now()}` });
        }
        await producer.send({ topic: TOPIC, messages }).catch(() => undefined);
      }
      await sleep(tickMs);
    }
  })();
  const stop = async () => {
    running = false;
    await loop;
    await producer.disconnect();
  };
  cleanups.push(stop);
  return { stop };
}

/** A consumer group member taking `delayMs` per message, committing after every message. */
async function consumer(groupId: string, delayMs: number): Promise<Consumer> {
  const member = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 200,
  });
  await member.connect();
  await member.subscribe({ topic: TOPIC, fromBeginning: true });
  await member.run({
    partitionsConsumedConcurrently: PARTITIONS,
    autoCommitThreshold: 1,
    eachMessage: async () => {
      if (delayMs > 0) await sleep(delayMs);
    },
  });
  cleanups.push(() => member.disconnect());
  return member;
}

function groupRow(environmentId: string, groupId: string) {
  return harness.snapshot(environmentId).kafka?.groups.find((g) => g.groupId === groupId);
}

describe('Kafka lag monitor', () => {
  it('follows a real consumer group: per-partition lag, WARN while it falls behind, STALL/STOP when it stops, OK once drained', async () => {
    const groupId = 'live-group';
    const environmentId = await harness.addEnvironment({
      name: 'kafka-env',
      kafka: { brokers: cluster.brokers },
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 1000,
      windowSize: 5,
      kafka: { topics: [TOPIC], groups: [{ groupId }] },
      alerts: [{ kind: 'group-status', groupId, atLeast: 'WARN' }],
    });
    const statuses: string[] = [];
    const record = () => {
      const status = groupRow(environmentId, groupId)?.status;
      if (status && statuses.at(-1) !== status) statuses.push(status);
      return status;
    };

    // Production of 10/s per partition against a consumer managing about 4/s.
    const producer = await steadyProducer(10);
    const slow = await consumer(groupId, 250);
    await waitFor(
      'the group to show commits on every partition',
      () => harness.service.partitions(environmentId, groupId),
      (rows) => rows.length === PARTITIONS && rows.every((r) => r.committedOffset !== null),
      30_000,
      250,
    );
    await waitFor('WARN while the consumer falls behind', record, (s) => s === 'WARN', 30_000, 250);
    const warnRows = harness.service.partitions(environmentId, groupId);
    expect(warnRows.map((r) => r.partition)).toEqual([0, 1, 2]);
    for (const row of warnRows) {
      expect(row.lag).toBe(row.logEndOffset - row.committedOffset!);
      expect(row.lag).toBeGreaterThan(0);
    }
    const group = groupRow(environmentId, groupId)!;
    expect(group.origin).toBe('configuration');
    expect(group.totalLag).toBeGreaterThan(0);
    expect(group.topics[0]!.maxLagPartition).not.toBeNull();
    expect(group.timeLagSeconds).not.toBeNull();
    expect(group.topics[0]!.produceRate).toBeGreaterThan(group.topics[0]!.consumeRate);
    // The broker (librdkafka's mock) has no ListGroups: the groups come from the configuration.
    const kafkaSnapshot = harness.snapshot(environmentId).kafka!;
    // Real Kafka answers ListGroups, so groups are discovered beside the configured one.
    expect(kafkaSnapshot.groupsSource).toBe('broker');
    expect(kafkaSnapshot.groupsSourceNote).toBeNull();
    expect(kafkaSnapshot.brokers).toBe(3);

    // The consumer stops; production goes on.
    await slow.disconnect();
    await waitFor(
      'STALL or STOP after the consumer stopped',
      record,
      (s) => s === 'STALL' || s === 'STOP',
      30_000,
      250,
    );
    const alerts = harness.service.listAlerts({ environmentId, states: ['open'], limit: 5 });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'group-status', target: groupId });

    // Production stops and a fast consumer drains the backlog.
    await producer.stop();
    await consumer(groupId, 0);
    const drained = await waitFor(
      'the group to drain back to OK',
      () => {
        record();
        return groupRow(environmentId, groupId);
      },
      (g) => g !== undefined && g.totalLag === 0 && g.status === 'OK',
      60_000,
      250,
    );
    expect(drained!.secondsToDrain).toBe(0);
    expect(statuses.indexOf('WARN')).toBeGreaterThanOrEqual(0);
    const stopped = Math.max(statuses.indexOf('STALL'), statuses.indexOf('STOP'));
    expect(stopped).toBeGreaterThan(statuses.indexOf('WARN'));
    expect(statuses.at(-1)).toBe('OK');
    expect(harness.service.getAlert(alerts[0]!.id).state).toBe('resolved');

    // The partition table agrees with kafkajs's own admin client.
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
    const ends = await admin.fetchTopicOffsets(TOPIC);
    await admin.disconnect();
    const rows = harness.service.partitions(environmentId, groupId);
    for (const row of rows) {
      const c = committed!.partitions.find((p) => p.partition === row.partition)!;
      const e = ends.find((p) => p.partition === row.partition)!;
      expect(row.committedOffset).toBe(Number(c.offset));
      expect(row.logEndOffset).toBe(Number(e.high));
    }
  });

  it('one refresh costs one ListOffsets per broker plus one batched OffsetFetch per group coordinator', async () => {
    const seeder = new KafkaOffsetsClient(
      {
        brokers: cluster.brokers,
        clientId: 'seeder',
        ssl: false,
        sslRejectUnauthorized: true,
        sasl: null,
      },
      5000,
    );
    await seeder.watchTopics([TOPIC, 'audit']);
    const groups = Array.from({ length: 12 }, (_, i) => `budget-${i}`);
    for (const groupId of groups) {
      await seeder.commitOffsets(groupId, [
        { topic: TOPIC, partitions: [{ partition: 0, offset: 1 }] },
        { topic: 'audit', partitions: [0, 1, 2, 3].map((partition) => ({ partition, offset: 0 })) },
      ]);
    }
    await seeder.disconnect();

    const environmentId = await harness.addEnvironment({
      name: 'kafka-budget',
      kafka: { brokers: cluster.brokers },
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 600_000,
      kafka: { topics: [TOPIC, 'audit'], groups: groups.map((groupId) => ({ groupId })) },
    });
    const monitor = harness.service.monitor(environmentId)!;
    const counts = new Map<string, number>();
    monitor.kafkaProbe!.onRequest(({ apiName }) =>
      counts.set(apiName, (counts.get(apiName) ?? 0) + 1),
    );
    await monitor.pollAll(); // connects, reads metadata, finds coordinators
    counts.clear();
    await monitor.pollAll();
    // One ListOffsets to each broker that leads a watched partition (at most one per broker).
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [TOPIC, 'audit'] });
    await admin.disconnect();
    const leaders = new Set(metadata.topics.flatMap((t) => t.partitions.map((p) => p.leader)));
    expect(leaders.size).toBeLessThanOrEqual(3);
    // Every watched group, configured or discovered on the broker (the first
    // test's group), is read by one OffsetFetch v8 to its coordinator: at
    // most one per broker for this handful of groups.
    const snapshot = harness.snapshot(environmentId);
    const watched = snapshot.kafka!.groups.length;
    expect(watched).toBeGreaterThanOrEqual(groups.length);
    expect([...counts.keys()].sort()).toEqual(['ListOffsets', 'OffsetFetch']);
    expect(counts.get('ListOffsets')).toBe(leaders.size);
    expect(counts.get('OffsetFetch')).toBeGreaterThanOrEqual(1);
    expect(counts.get('OffsetFetch')).toBeLessThanOrEqual(3);
    const audit = snapshot.kafka!.groups[0]!.topics.find((t) => t.topic === 'audit')!;
    expect(audit).toMatchObject({ partitions: 4, uncommittedPartitions: 0, totalLag: 0 });
  });

  it('a topic that does not exist is reported, the rest is still watched', async () => {
    const environmentId = await harness.addEnvironment({
      name: 'kafka-missing',
      kafka: { brokers: cluster.brokers },
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 600_000,
      kafka: { topics: ['no-such-topic', 'audit'], groups: [{ groupId: 'budget-0' }] },
    });
    await harness.service.monitor(environmentId)!.pollAll();
    const snapshot = harness.snapshot(environmentId);
    expect(snapshot.servers.find((s) => s.server === 'kafka')!.state).toBe('up');
    expect(snapshot.kafka!.missingTopics).toEqual(['no-such-topic']);
    expect(snapshot.kafka!.groups[0]!.topics.map((t) => t.topic)).toEqual(['audit']);
  });
});
