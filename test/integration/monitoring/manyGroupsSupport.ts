/** Groups, topics and helpers shared by the many-groups tests (one cluster layout, one way to seed it). */
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConnectionConfig } from '../../../src-main/core/connectors/types';
import {
  KafkaOffsetsClient,
  type GroupOffsets,
  type SentRequest,
} from '../../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import { createKafkaCluster } from '../../../src-main/core/monitoring/kafka/kafkajsCluster';

// kafkajs's enum for ACL pattern types is not exported under a usable name in its types.
export const LITERAL = 3;

export const GROUPS = 300;
export const ORDERS = { name: 'orders', partitions: 6, messages: 50 };
export const PAYMENTS = { name: 'payments', partitions: 4, messages: 20 };
export const TIMEOUT_MS = 10_000;

export const groupName = (i: number) => `many-${String(i).padStart(3, '0')}`;

/** What group i committed: every orders partition; payments too for every third group. */
export function expectedOffsets(i: number): Map<string, Map<number, number>> {
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
export function ordersOnly(i: number): Map<string, Map<number, number>> {
  return new Map([[ORDERS.name, expectedOffsets(i).get(ORDERS.name)!]]);
}

export function plain(brokers: string[], clientId: string): KafkaConnectionConfig {
  return { brokers, clientId, ssl: false, sslRejectUnauthorized: true, sasl: null };
}

export async function produce(
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
export async function seed(brokers: string[], groups: number[], topics: string[]): Promise<void> {
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
export async function coordinatorsOf(
  brokers: string[],
  groupIds: string[],
): Promise<Map<string, string>> {
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

export function countBy(requests: SentRequest[], apiName: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests.filter((r) => r.apiName === apiName))
    counts.set(r.broker, (counts.get(r.broker) ?? 0) + 1);
  return counts;
}

/** Errors as their messages, so a timed-out wait shows them (an Error serializes as {}). */
export function withMessages(results: GroupOffsets[]): GroupOffsets[] {
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
export function groupsPerCoordinator(brokers: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const broker of brokers) counts.set(broker, (counts.get(broker) ?? 0) + 1);
  return counts;
}

export function committedOf(result: GroupOffsets): Map<string, Map<number, number>> {
  return new Map([...result.committed].filter(([, offsets]) => offsets.size > 0));
}
