import { Kafka, logLevel, type IHeaders, type KafkaMessage } from 'kafkajs';

export function kafkaClient(brokers: string[]): Kafka {
  return new Kafka({
    clientId: 'dl-test',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3 },
  });
}

export async function produce(
  kafka: Kafka,
  topic: string,
  messages: {
    key?: string | Buffer | null;
    value: string | Buffer;
    headers?: IHeaders;
    partition?: number;
  }[],
): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 5000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 5000) });
  }
  await producer.disconnect();
}

/** Every record of a topic, read from the beginning up to the high watermark seen now. */
export async function readAll(
  kafka: Kafka,
  topic: string,
): Promise<(KafkaMessage & { partition: number })[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const out: (KafkaMessage & { partition: number })[] = [];
  if (expected === 0) return out;
  const consumer = kafka.consumer({ groupId: `dl-test-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`read ${out.length} of ${expected} from ${topic}`)),
      60_000,
    );
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) out.push({ ...message, partition: batch.partition });
        if (out.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

export function header(message: KafkaMessage, name: string): string | null {
  const value = message.headers?.[name];
  if (value === undefined) return null;
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? null : one.toString();
}
