import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startKafka, type ApacheKafkaCluster } from '../../../sandbox/servers';
import { createKafkaCluster } from '../../../src-main/core/monitoring/kafka/kafkajsCluster';
import {
  monitoringSnapshotSchema,
  partitionRowSchema,
  type MonitoringSnapshot,
  type PartitionRow,
  type ServerHealth,
} from '@shared/contract';
import { sleep, startMonitoringHarness, waitFor, type MonitoringHarness } from './harness';
import { recordTimeline } from './pageTimeline';

const TOPIC = 'orders';
const PARTITIONS = 6;
const GROUP = 'es-sync';
// Every poll is bounded by this; the poller abandons a longer one.
const TIMEOUT_MS = 2000;
let cluster: ApacheKafkaCluster;
let harness: MonitoringHarness;
let kafka: Kafka;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  cluster = await startKafka({
    brokers: 3,
    topics: [
      {
        name: TOPIC,
        partitions: PARTITIONS,
        replicationFactor: 3,
        config: { 'min.insync.replicas': '2' },
      },
    ],
  });
  harness = await startMonitoringHarness();
  kafka = new Kafka({
    clientId: 'leader-kill-test',
    brokers: cluster.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
  });
}, 180_000);

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await harness?.cleanup();
  await cluster?.stop();
});

/** What the Lag page reads, as it crosses the monitoring.snapshot and monitoring.partitions channels. */
function read(
  environmentId: string,
  groupId?: string,
): { snapshot: MonitoringSnapshot; health: ServerHealth; rows: PartitionRow[] } {
  const snapshot = monitoringSnapshotSchema.parse(harness.snapshot(environmentId));
  return {
    snapshot,
    health: snapshot.servers.find((s) => s.server === 'kafka')!,
    rows: partitionRowSchema.array().parse(harness.service.partitions(environmentId, groupId)),
  };
}

/** Appends `count(p)` records to every partition of `topic`. */
async function produceEach(topic: string, partitions: number, count: (p: number) => number) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let p = 0; p < partitions; p += 1) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: count(p) }, (_, i) => ({ partition: p, value: `m-${i}` })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Commits offsets for a group without members, as offset tools do. */
async function commit(groupId: string, topic: string, offsets: number[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map((offset, partition) => ({ partition, offset: String(offset) })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Kills `nodeId` (kill -9) inside the monitor's next poll, as its OffsetFetch is answered. */
function killMidPoll(
  environmentId: string,
  nodeId: number,
): Promise<{ at: number; polling: boolean }> {
  const monitor = harness.service.monitor(environmentId)!;
  const poller = monitor.poller('kafka')!;
  return new Promise((resolve) => {
    let armed = true;
    // OffsetFetch answers before the poll asks the leaders for log-end offsets.
    monitor.kafkaProbe!.onRequest(({ apiName }) => {
      if (!armed || apiName !== 'OffsetFetch') return;
      armed = false;
      const polling = poller.polling;
      // The SIGKILL is sent synchronously; waiting for the exit happens meanwhile.
      void cluster.brokerDown(nodeId);
      resolve({ at: Date.now(), polling });
    });
  });
}

describe('lag monitoring on three brokers with a broker killed mid-poll', () => {
  it('a partition leader (the first seed broker) killed: the source is down naming it, polls stay bounded, lag is read fresh and right once leadership moves and after it returns', async () => {
    const leaders = await cluster.partitionLeaders(TOPIC);
    // Node 1 is the first broker of the configured list, the one a fresh client tries first.
    const victim = 1;
    const victimAddress = cluster.brokers[victim - 1]!;
    const led = [...leaders].filter(([, leader]) => leader === victim).map(([p]) => p);
    expect(led.length).toBeGreaterThan(0);

    await produceEach(TOPIC, PARTITIONS, (p) => 20 + 5 * p);
    await commit(
      GROUP,
      TOPIC,
      Array.from({ length: PARTITIONS }, (_, p) => 10 + p),
    );
    const environmentId = await harness.addEnvironment({
      name: 'three-brokers',
      kafka: { brokers: cluster.brokers },
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 1000,
      timeoutMs: TIMEOUT_MS,
      kafka: { topics: [TOPIC], groups: [{ groupId: GROUP }] },
    });
    const lagsAre = (expected: (p: number) => number) => (state: ReturnType<typeof read>) =>
      state.health.state === 'up' &&
      state.rows.length === PARTITIONS &&
      state.rows.every((row) => row.lag === expected(row.partition));
    await waitFor(
      'the first lag readings',
      () => read(environmentId, GROUP),
      lagsAre((p) => 10 + 4 * p),
    );
    expect(read(environmentId).snapshot.kafka!.brokers).toBe(3);

    const timeline = recordTimeline(read, environmentId, [GROUP]);
    const kill = await killMidPoll(environmentId, victim);
    timeline.mark(kill.at);
    expect(kill.polling).toBe(true);

    // Until the controllers fence the node, the partitions it led have no reachable leader.
    const down = await waitFor(
      'the Kafka source to be down',
      () => read(environmentId).health,
      (h) => h.state === 'down',
      15_000,
      50,
    );
    expect(down.message).toContain(victimAddress);

    // New values while the node is away: the readings after recovery must be read, not kept.
    const moveDeadline = Date.now() + 30_000;
    while ([...(await cluster.partitionLeaders(TOPIC)).values()].includes(victim)) {
      if (Date.now() > moveDeadline) throw new Error(`node ${victim} still leads after 30 s`);
      await sleep(250);
    }
    const movedAt = Date.now();
    await produceEach(TOPIC, PARTITIONS, () => 7);
    await commit(
      GROUP,
      TOPIC,
      Array.from({ length: PARTITIONS }, (_, p) => 12 + p),
    );
    const fresh = await waitFor(
      'fresh lag while the node is still down',
      () => read(environmentId, GROUP),
      lagsAre((p) => 15 + 4 * p),
      30_000,
    );
    const recoveredAt = Date.now();
    expect(cluster.brokerPid(victim)).toBeNull();
    expect(fresh.snapshot.kafka!.brokers).toBe(2);
    expect(Date.parse(fresh.health.lastSampleAt!)).toBeGreaterThan(movedAt);
    for (const row of fresh.rows) {
      expect(row.logEndOffset).toBe(27 + 5 * row.partition);
      expect(row.committedOffset).toBe(12 + row.partition);
    }

    // The node returns as a follower; the readings go on, fresh and right.
    await cluster.brokerUp(victim);
    await produceEach(TOPIC, PARTITIONS, () => 3);
    const back = await waitFor(
      'fresh lag after the node returned',
      () => read(environmentId, GROUP),
      lagsAre((p) => 18 + 4 * p),
      30_000,
    );
    expect(back.health.state).toBe('up');
    await timeline.stop();

    // Polling never froze: every poll ended within its bound, and polls kept coming while down.
    const downEntries = timeline.entries.filter((e) => e.health.state === 'down');
    expect(downEntries.length).toBeGreaterThan(0);
    for (const entry of timeline.entries) {
      expect(entry.health.lastDurationMs ?? 0).toBeLessThanOrEqual(TIMEOUT_MS + 500);
    }
    const failures = Math.max(...downEntries.map((e) => e.health.consecutiveFailures));
    // Fencing takes three seconds at least: several polls failed, none hung.
    expect(failures).toBeGreaterThanOrEqual(2);
    const downMs = (recoveredAt - kill.at) / 1000;
    console.log(
      `lag page, node ${victim} (${victimAddress}, leader of ${TOPIC} partitions ${led.join(',')}) ` +
        `killed mid-poll: ${failures} failed polls; leaders moved ${((movedAt - kill.at) / 1000).toFixed(1)} s ` +
        `after the kill, fresh lag ${downMs.toFixed(1)} s after it\n${timeline.describe()}`,
    );
    expect(uncaught).toEqual([]);
  }, 240_000);

  it("a group's coordinator killed: that group keeps its last readings with the reason, the others stay fresh; it is read again from the new coordinator", async () => {
    // Which node coordinates which group, as the cluster answers now.
    const candidates = Array.from({ length: 40 }, (_, i) => `billing-${i}`);
    const { cluster: lookup } = createKafkaCluster(
      {
        brokers: cluster.brokers,
        clientId: 'leader-kill-lookup',
        requestTimeout: 5000,
        connectionTimeout: 5000,
        // The offsets topic may still be being created: COORDINATOR_NOT_AVAILABLE meanwhile.
        retry: { retries: 8, initialRetryTime: 250 },
      },
      300_000,
    );
    await lookup.connect();
    const coordinatorOf = new Map<string, number>();
    try {
      await lookup.refreshMetadata();
      for (const groupId of candidates) {
        const found = await lookup.findGroupCoordinatorMetadata({ groupId });
        coordinatorOf.set(groupId, found.coordinator.nodeId);
      }
    } finally {
      await lookup.disconnect();
    }
    const watchedGroup = candidates[0]!;
    const victim = coordinatorOf.get(watchedGroup)!;
    const otherGroup = candidates.find((id) => coordinatorOf.get(id) !== victim)!;
    expect(otherGroup).toBeDefined();
    const victimAddress = cluster.brokers[victim - 1]!;

    // A topic off the victim altogether: its log end moves on while the victim is away (a
    // replica there would hold the high watermark, and every commit, until it is fenced).
    const others = [1, 2, 3].filter((id) => id !== victim);
    const topic = 'payments';
    const admin = cluster.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: false,
        topics: [
          {
            topic,
            replicaAssignment: [0, 1, 2].map((partition) => ({
              partition,
              replicas: partition % 2 === 0 ? [others[0]!, others[1]!] : [others[1]!, others[0]!],
            })),
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    const ledDeadline = Date.now() + 30_000;
    for (;;) {
      const led = await cluster.partitionLeaders(topic).catch(() => new Map<number, number>());
      if (led.size === 3 && [...led.values()].every((l) => others.includes(l))) break;
      if (Date.now() > ledDeadline)
        throw new Error(`${topic} has no leaders: ${JSON.stringify([...led])}`);
      await sleep(250);
    }
    await produceEach(topic, 3, () => 30);
    await commit(watchedGroup, topic, [5, 6, 7]);
    await commit(otherGroup, topic, [20, 21, 22]);

    const environmentId = await harness.addEnvironment({
      name: 'coordinator-kill',
      kafka: { brokers: cluster.brokers },
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 1000,
      timeoutMs: TIMEOUT_MS,
      // ListGroups asks every broker: left out, so only the group's own reads meet the victim.
      kafka: {
        topics: [topic],
        groups: [{ groupId: watchedGroup }, { groupId: otherGroup }],
        discoverGroups: false,
      },
    });
    const groupOf = (snapshot: MonitoringSnapshot, groupId: string) =>
      snapshot.kafka?.groups.find((g) => g.groupId === groupId);
    const before = await waitFor(
      'both groups read',
      () => read(environmentId).snapshot,
      (s) =>
        groupOf(s, watchedGroup)?.totalLag === 25 + 24 + 23 &&
        groupOf(s, otherGroup)?.totalLag === 10 + 9 + 8,
    );
    const watchedBefore = groupOf(before, watchedGroup)!;

    // Connected before the kill, so sending afterwards meets only live nodes.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const timeline = recordTimeline(read, environmentId, [watchedGroup, otherGroup]);
    const kill = await killMidPoll(environmentId, victim);
    timeline.mark(kill.at);
    expect(kill.polling).toBe(true);
    // New records: the other group's lag grows by 30.
    await producer.send({
      topic,
      acks: -1,
      messages: [0, 1, 2].flatMap((partition) =>
        Array.from({ length: 10 }, (_, i) => ({ partition, value: `late-${i}` })),
      ),
    });

    const during = await waitFor(
      'the watched group unreadable while the other is read fresh',
      () => read(environmentId),
      ({ snapshot }) =>
        groupOf(snapshot, watchedGroup)?.error != null &&
        groupOf(snapshot, otherGroup)?.totalLag === 27 + 30,
      20_000,
      50,
    );
    const watchedDuring = groupOf(during.snapshot, watchedGroup)!;
    expect(during.health.state).toBe('up');
    // Its last readings, not "no commit, no lag".
    expect(watchedDuring.totalLag).toBe(watchedBefore.totalLag);
    const watchedRows = during.rows.filter((r) => r.groupId === watchedGroup);
    expect(watchedRows.map((r) => [r.committedOffset, r.lag])).toEqual([
      [5, 25],
      [6, 24],
      [7, 23],
    ]);

    // The controllers move its offsets partition (kafkajs's admin retries until then);
    // the group is read again, with what it committed since and the new records.
    await commit(watchedGroup, topic, [8, 9, 10]);
    const after = await waitFor(
      'the watched group read again',
      () => read(environmentId).snapshot,
      (s) =>
        groupOf(s, watchedGroup)?.error === null &&
        groupOf(s, watchedGroup)?.totalLag === 32 + 31 + 30,
      45_000,
    );
    await timeline.stop();
    expect(groupOf(after, otherGroup)?.totalLag).toBe(27 + 30);
    // In words: the group's row names the broker that does not answer.
    const errors = timeline.entries.flatMap((e) => e.errors.get(watchedGroup) ?? []);
    expect(
      errors.some((text) => text.includes(victimAddress)),
      errors.join(' | '),
    ).toBe(true);
    expect(timeline.entries.every((e) => e.errors.get(otherGroup) === null)).toBe(true);
    // The source itself never went down: the cluster answered all along.
    expect(timeline.entries.every((e) => e.health.state === 'up')).toBe(true);
    console.log(
      `lag page, node ${victim} (${victimAddress}, coordinator of ${watchedGroup}) killed mid-poll\n` +
        timeline.describe(),
    );
    expect(uncaught).toEqual([]);
  }, 180_000);
});
