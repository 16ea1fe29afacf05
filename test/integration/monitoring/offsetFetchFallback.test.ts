import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockKafka, type MockKafkaCluster } from '../../../sandbox/servers';
import {
  KafkaOffsetsClient,
  type SentRequest,
} from '../../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import {
  ORDERS,
  TIMEOUT_MS,
  groupName,
  ordersOnly,
  plain,
  produce,
  seed,
  committedOf,
} from './manyGroupsSupport';

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
