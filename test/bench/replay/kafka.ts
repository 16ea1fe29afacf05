/**
 * Kafka rows of `npm run bench -- replay`, on one Apache Kafka node:
 *   end to end      a fresh source, "start replay" (index, plan, moves) to done,
 *                   against the bare kafkajs send loop of the same records (acks=all)
 *   selective 10 %  a scattered tenth (every tenth record, by error class) of a fresh
 *                   source, against replaying a topic that holds only those records
 *   footprint       the longest gap between records a consuming group of the DLQ
 *                   topic saw (a trickle of 100 records/s, in its own process) while
 *                   Sluice indexed and replayed, against the same during the bare loop
 */
import { Kafka, logLevel, type Message } from 'kafkajs';
import { startKafka } from '../../../sandbox/servers';
import { createEnvironment, startCore, type TestCore } from '../../integration/deadletters/harness';
import { startGroupWatcher } from '../_kafkaTools';
import { type BenchRow, payload, rate, timeJob } from './common';

const PARTITIONS = 8;
const SELECTED_CLASS = 'PriceException';

function record(i: number): Message {
  return {
    key: `doc-${i}`,
    value: payload(i),
    headers: {
      '__connect.errors.topic': 'job-es-sync',
      '__connect.errors.partition': String(i % PARTITIONS),
      '__connect.errors.offset': String(i),
      '__connect.errors.exception.class.name': i % 10 === 0 ? SELECTED_CLASS : 'MappingException',
      '__connect.errors.exception.message': 'price is not a number',
    },
  };
}

async function seed(kafka: Kafka, topic: string, indexes: number[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < indexes.length; i += 5000) {
    const messages = indexes.slice(i, i + 5000).map(record);
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

/** From a source's creation to its job's end: index, plan and moves, as the operator waits. */
async function endToEnd(
  t: TestCore,
  environmentId: string,
  topic: string,
  errorClasses: string[] = [],
): Promise<{ ms: number; parts: string; moved: number }> {
  const source = await t.call('deadletters.sources.save', {
    environmentId,
    source: { name: topic, settings: { kind: 'kafka', topic } },
  });
  const started = Date.now();
  await t.call('deadletters.refreshIndex', { sourceId: source.id });
  const indexMs = Date.now() - started;
  const filter = { errorClasses };
  const { planMs, moveMs, job } = await timeJob(t, {
    sourceId: source.id,
    selection: { kind: 'filter', filter },
    // The watching group's trickle records carry no original topic: one target for all.
    target: { kind: 'kafka-topic', topic: 'job-es-sync' },
  });
  return {
    ms: Date.now() - started,
    parts: `index ${indexMs} ms, plan ${planMs} ms, moves ${moveMs} ms`,
    moved: job.moved,
  };
}

export async function benchKafka(entries: number): Promise<BenchRow[]> {
  const cluster = await startKafka({
    topics: [
      'job-es-sync.dlq',
      'job-es-sync',
      'bare-baseline',
      'scattered.dlq',
      'selected.dlq',
    ].map((name) => ({ name, partitions: PARTITIONS })),
  });
  const t = await startCore();
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: cluster.brokers,
    logLevel: logLevel.NOTHING,
  });
  try {
    const all = Array.from({ length: entries }, (_, i) => i);
    const selected = all.filter((i) => i % 10 === 0);
    await seed(kafka, 'job-es-sync.dlq', all);
    await seed(kafka, 'scattered.dlq', all);
    await seed(kafka, 'selected.dlq', selected);
    const environmentId = await createEnvironment(t, { brokers: cluster.brokers });
    // The DLQ topic's own consumers, caught up before anything is measured.
    const group = await startGroupWatcher({
      brokers: cluster.brokers,
      topic: 'job-es-sync.dlq',
      groupId: 'dlq-watchers',
      members: 2,
      recordsPerSecond: 100,
    });
    try {
      // The bare send with the same client library: kafkajs, acks=all, one request in flight.
      group.measure();
      const bare = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
      await bare.connect();
      const bareStart = Date.now();
      for (let i = 0; i < entries; i += 2000) {
        await bare.send({
          topic: 'bare-baseline',
          acks: -1,
          messages: all.slice(i, i + 2000).map((n) => ({ key: `doc-${n}`, value: payload(n) })),
        });
      }
      const bareMs = Date.now() - bareStart;
      await bare.disconnect();
      const duringBare = await group.report();

      group.measure();
      const sluice = await endToEnd(t, environmentId, 'job-es-sync.dlq');
      const duringSluice = await group.report();
      // Everything seeded, and the trickle records the index found there when it started.
      if (sluice.moved < entries)
        throw new Error(`Kafka replay moved ${sluice.moved} of ${entries}`);

      const scattered = await endToEnd(t, environmentId, 'scattered.dlq', [SELECTED_CLASS]);
      const only = await endToEnd(t, environmentId, 'selected.dlq');
      if (scattered.moved !== selected.length || only.moved !== selected.length)
        throw new Error(
          `selective moved ${scattered.moved} and ${only.moved} of ${selected.length}`,
        );

      const setting = `Apache Kafka 4.1, one KRaft node, ${PARTITIONS} partitions per topic`;
      return [
        {
          adapter: 'Kafka',
          row: 'end to end',
          entries,
          sluice: {
            label: 'fresh source, start replay to done',
            value: rate(sluice.moved, sluice.ms),
            unit: 'entries/s',
          },
          baseline: {
            label: 'kafkajs send loop, acks=all, 2,000 per request',
            value: rate(entries, bareMs),
            unit: 'entries/s',
          },
          ratio: rate(sluice.moved, sluice.ms) / rate(entries, bareMs),
          goal: '>= 0.5',
          notes:
            `${setting}; Sluice moved ${sluice.moved} (the seeded records and the group's ` +
            `trickle so far) in ${sluice.ms} ms (${sluice.parts}); bare loop ${bareMs} ms`,
        },
        {
          adapter: 'Kafka',
          row: 'selective 10 %',
          entries,
          sluice: { label: 'every tenth record, by error class', value: scattered.ms, unit: 'ms' },
          baseline: { label: 'a topic of only those records', value: only.ms, unit: 'ms' },
          ratio: scattered.ms / only.ms,
          goal: '<= 2',
          notes: `${setting}; ${selected.length} records; scattered: ${scattered.parts}; only those: ${only.parts}`,
        },
        {
          adapter: 'Kafka',
          row: 'footprint',
          entries,
          sluice: {
            label: "DLQ group's longest gap, Sluice indexing and replaying",
            value: duringSluice.longestGapMs,
            unit: 'ms',
          },
          baseline: {
            label: 'the same during the bare send loop',
            value: duringBare.longestGapMs,
            unit: 'ms',
          },
          ratio: duringSluice.longestGapMs / Math.max(1, duringBare.longestGapMs),
          goal: '-',
          notes:
            `${setting}; a two-member group of the DLQ topic with a trickle of 100 records/s, ` +
            `in its own process; longest produce-to-receive latency ${duringSluice.longestLatencyMs} ms ` +
            `(bare loop ${duringBare.longestLatencyMs} ms); group joins ${duringBare.joins} before, ` +
            `${duringSluice.joins} after (a rebalance would add)`,
        },
      ];
    } finally {
      await group.stop();
    }
  } finally {
    await t.cleanup();
    await cluster.stop();
  }
}
