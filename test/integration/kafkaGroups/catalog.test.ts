/**
 * The catalog behind the topic and group pickers, on Apache Kafka with two
 * brokers: partition counts and record counts (trimmed logs included), a
 * consumer group, Kafka's own topics marked, a request budget that does not
 * grow with the number of topics, and a broker outage reported in words.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type ApacheKafkaCluster } from '../../../sandbox/servers';
import type { Core } from '../../../src-main/core/app';
import { GroupAdmin, type SentRequest } from '../../../src-main/core/kafkaGroups/groupAdmin';
import { SluiceError, type KafkaCatalog } from '@shared/contract';
import { startTestCore, type TestCore } from '../../support/testCore';
import { until } from '../../support/until';

const BULK_TOPICS = 40;
let cluster: ApacheKafkaCluster;
let t: TestCore;
let core: Core;
let environmentId: string;
let environmentName: string;
/** Every request the catalog's admin clients send. */
const requests: SentRequest[] = [];

async function catalog(): Promise<KafkaCatalog> {
  const result = await core.dispatch('kafka.catalog', { environmentId }, { transport: 'internal' });
  if (!result.ok) throw SluiceError.fromData(result.error);
  return result.value as KafkaCatalog;
}

beforeAll(async () => {
  cluster = (await startKafka({
    brokers: 2,
    topics: [
      { name: 'orders', partitions: 3 },
      { name: 'trimmed', partitions: 2 },
      { name: 'empty', partitions: 1 },
      ...Array.from({ length: BULK_TOPICS }, (_, i) => ({
        name: `bulk-${String(i).padStart(2, '0')}`,
        partitions: 2,
      })),
    ],
  })) as ApacheKafkaCluster;
  const kafka = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  // Idempotent: a send retried on a busy machine must not write its records twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let partition = 0; partition < 3; partition += 1) {
    await producer.send({
      topic: 'orders',
      messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `o${partition}-${i}` })),
    });
  }
  for (let partition = 0; partition < 2; partition += 1) {
    await producer.send({
      topic: 'trimmed',
      messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `t${partition}-${i}` })),
    });
  }
  await producer.send({ topic: 'bulk-07', messages: [{ partition: 1, value: 'one' }] });
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  // The log of trimmed/0 now starts at 4: it holds 6 records, not 10. (kafkajs's
  // deleteTopicRecords needs the topic's metadata loaded first.)
  await admin.fetchTopicMetadata({ topics: ['trimmed'] });
  await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '4' }] });
  await admin.disconnect();

  // A group that consumed and committed, then left (as a stopped indexer does).
  const consumer = kafka.consumer({
    groupId: 'order-indexer',
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders', fromBeginning: true });
  await new Promise<void>((resolve) => {
    let seen = 0;
    void consumer.run({
      autoCommitThreshold: 1,
      eachMessage: async () => {
        seen += 1;
        if (seen === 30) resolve();
      },
    });
  });
  await consumer.disconnect();

  t = await startTestCore({
    kafkaGroupAdmin: (config, timeoutMs) =>
      new GroupAdmin(config, timeoutMs, (request) => requests.push(request)),
  });
  core = t.core;
  environmentName = `catalog-${randomUUID().slice(0, 8)}`;
  const saved = await core.dispatch(
    'environments.save',
    {
      environment: {
        name: environmentName,
        colour: '#335577',
        kafka: { brokers: cluster.brokers },
      },
    },
    { transport: 'internal' },
  );
  if (!saved.ok) throw SluiceError.fromData(saved.error);
  environmentId = (saved.value as { id: string }).id;
}, 300_000);

afterAll(async () => {
  await t?.cleanup();
  await cluster?.stop();
});

describe('the Kafka catalog on Apache Kafka', () => {
  it('lists topics with partitions and records, the group, Kafka’s own topics marked; requests do not grow with topics', async () => {
    requests.length = 0;
    const listed = await catalog();

    const byName = new Map(listed.topics.map((t) => [t.name, t]));
    expect(byName.get('orders')).toEqual({
      name: 'orders',
      partitions: 3,
      records: 30,
      internal: false,
    });
    expect(byName.get('trimmed')).toEqual({
      name: 'trimmed',
      partitions: 2,
      records: 16,
      internal: false,
    });
    expect(byName.get('empty')).toEqual({
      name: 'empty',
      partitions: 1,
      records: 0,
      internal: false,
    });
    expect(byName.get('bulk-07')).toMatchObject({ partitions: 2, records: 1 });
    expect(byName.get('bulk-08')).toMatchObject({ partitions: 2, records: 0 });
    // The group's commits live in __consumer_offsets: it exists, is marked, and comes last.
    const offsetsTopic = byName.get('__consumer_offsets');
    expect(offsetsTopic).toMatchObject({ internal: true });
    expect(offsetsTopic!.partitions).toBeGreaterThan(0);
    const user = listed.topics.filter((t) => !t.internal).map((t) => t.name);
    expect(user).toEqual(
      [
        'empty',
        'orders',
        'trimmed',
        ...Array.from({ length: BULK_TOPICS }, (_, i) => `bulk-${String(i).padStart(2, '0')}`),
      ].sort((a, b) => a.localeCompare(b)),
    );
    expect(listed.topics.slice(0, user.length).every((t) => !t.internal)).toBe(true);

    expect(listed.groups).toContainEqual({ groupId: 'order-indexer', protocolType: 'consumer' });
    expect(listed.totals.topics).toBe(listed.topics.length);
    expect(listed.totals.groups).toBe(listed.groups.length);
    expect(listed.truncated).toEqual({ topics: false, groups: false });

    // 44 topics: kafkajs's fetchTopicOffsets per topic would send 88 ListOffsets.
    const count = (apiName: string) => requests.filter((r) => r.apiName === apiName).length;
    const brokers = cluster.brokers.length;
    expect(count('ListOffsets')).toBeGreaterThanOrEqual(2);
    expect(count('ListOffsets')).toBeLessThanOrEqual(brokers * 2);
    expect(count('ListGroups')).toBe(brokers);
    expect(count('Metadata')).toBeLessThanOrEqual(6);
    const perBroker = new Map<string, number>();
    for (const r of requests.filter((r) => r.apiName === 'ListOffsets')) {
      perBroker.set(r.broker, (perBroker.get(r.broker) ?? 0) + 1);
    }
    expect(Math.max(...perBroker.values())).toBeLessThanOrEqual(2);
  });

  it('a broker that goes down is reported in words at once, and the catalog comes back with it', async () => {
    const downBroker = cluster.brokers[1]!;
    await cluster.brokerDown(2);
    try {
      // Two voters: the controller quorum is gone with the node, so metadata
      // keeps naming broker 2 as the leader of its partitions, and asking it fails.
      const started = Date.now();
      const result = await core.dispatch(
        'kafka.catalog',
        { environmentId },
        { transport: 'internal' },
      );
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      expect(!result.ok && result.error.message).toBe(
        `listing the topics and groups of "${environmentName}": connection refused by ${downBroker}`,
      );
    } finally {
      await cluster.brokerUp(2);
    }
    const back = await until(
      'the catalog to list every topic again',
      async () => {
        const listed = await catalog();
        return listed.topics.find((t) => t.name === 'orders')?.records === 30 ? listed : null;
      },
      90_000,
      500,
    );
    expect(back.topics.filter((t) => !t.internal)).toHaveLength(BULK_TOPICS + 3);
  });
});
