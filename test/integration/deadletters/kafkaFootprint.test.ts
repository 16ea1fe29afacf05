/**
 * Indexing a large dead-letter topic does not starve the consumer group that
 * reads it: Sluice never joins that group (it reads in a group of its own and
 * commits nothing), the group's members are never rebalanced, and records
 * produced while Sluice reads reach the group within a bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type ApacheKafkaCluster } from '../../../sandbox/servers';
import { startGroupWatcher } from '../../bench/_kafkaTools';
import { createEnvironment, startCore, type TestCore } from './harness';
import { kafkaClient, produce } from './kafkaSupport';

const TOPIC = 'busy.dlq';
const GROUP = 'dlq-watchers';
const RECORDS = 200_000;
const PARTITIONS = 4;

let cluster: ApacheKafkaCluster;
let t: TestCore;
let environmentId: string;

beforeAll(async () => {
  cluster = await startKafka({ topics: [{ name: TOPIC, partitions: PARTITIONS }] });
  t = await startCore();
  environmentId = await createEnvironment(t, { brokers: cluster.brokers });
}, 180_000);

afterAll(async () => {
  await t?.cleanup();
  await cluster?.stop();
});

describe('Kafka index footprint', () => {
  it(`indexes ${RECORDS.toLocaleString('en')} records while the topic's group keeps consuming, never joining or rebalancing it`, async () => {
    const kafka = kafkaClient(cluster.brokers);
    await produce(
      kafka,
      TOPIC,
      Array.from({ length: RECORDS }, (_, i) => ({
        key: `doc-${i}`,
        value: JSON.stringify({ id: `doc-${i}`, body: 'y'.repeat(200) }),
        partition: i % PARTITIONS,
      })),
    );

    // The topic's own group (two members) and a trickle of 100 records/s, in another process.
    const group = await startGroupWatcher({
      brokers: cluster.brokers,
      topic: TOPIC,
      groupId: GROUP,
      members: 2,
      recordsPerSecond: 100,
    });
    const admin = cluster.admin();
    await admin.connect();
    try {
      const before = await group.report();
      expect(before.received).toBeGreaterThanOrEqual(RECORDS);

      // What the groups look like while Sluice reads: every 250 ms.
      const memberClients = new Set<string>();
      const memberCounts = new Set<number>();
      const states = new Set<string>();
      const sluiceGroups = new Set<string>();
      let watching = true;
      const watchDone = (async () => {
        while (watching) {
          const { groups } = await admin.describeGroups([GROUP]);
          for (const member of groups[0]!.members) memberClients.add(member.clientId);
          memberCounts.add(groups[0]!.members.length);
          states.add(groups[0]!.state);
          for (const { groupId } of (await admin.listGroups()).groups)
            if (groupId !== GROUP) sluiceGroups.add(groupId);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      })();

      group.measure();
      const source = await t.call('deadletters.sources.save', {
        environmentId,
        source: { name: 'busy', settings: { kind: 'kafka', topic: TOPIC } },
      });
      const started = Date.now();
      const state = await t.call('deadletters.refreshIndex', { sourceId: source.id });
      const indexMs = Date.now() - started;
      const during = await group.report();
      watching = false;
      await watchDone;

      expect(state.error).toBeNull();
      const page = await t.call('deadletters.browse', { sourceId: source.id, limit: 1 });
      expect(page.total).toBeGreaterThanOrEqual(RECORDS);
      // The read overlapped the trickle: the group had live records to receive throughout.
      expect(indexMs).toBeGreaterThan(1000);
      expect(during.trickled - before.trickled).toBeGreaterThan(50);
      expect(during.received - before.received).toBeGreaterThan(50);

      // Never a member of the topic's group, which stayed stable with its two members.
      expect([...memberClients]).toEqual(['group-watcher']);
      expect([...memberCounts]).toEqual([2]);
      expect([...states]).toEqual(['Stable']);
      expect(during.joins).toBe(before.joins);
      // Sluice read in a group of its own, named as Sluice's, and committed no offset there.
      expect(sluiceGroups.size).toBeGreaterThan(0);
      for (const groupId of sluiceGroups) {
        expect(groupId).toMatch(/^sluice-dlq-index-/);
        const offsets = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
        for (const partition of offsets[0]!.partitions) expect(partition.offset).toBe('-1');
      }
      // Live records reached the group within a bound on a loaded machine (idle: ~100 ms).
      expect(during.longestLatencyMs).toBeLessThan(1500);
      expect(during.longestGapMs).toBeLessThan(1500);
    } finally {
      await admin.disconnect();
      await group.stop();
    }
  }, 300_000);
});
