import { Kafka, logLevel } from 'kafkajs';
import { startKafka } from '../../../sandbox/servers';
import { requireOnPath } from '../../../sandbox/servers/lifecycle';
import { createEnvironment, startCore } from '../../integration/deadletters/harness';
import { type Figure, indexAndReplayAll, payload, rate, runCommand } from './common';

export async function benchKafka(entries: number): Promise<Figure> {
  // The mock cluster keeps about 5 MB per partition: enough partitions for every record.
  const partitions = Math.max(4, Math.ceil(entries / 8000));
  const cluster = await startKafka({
    topics: [
      { name: 'job-es-sync.dlq', partitions },
      { name: 'job-es-sync', partitions },
      { name: 'kcat-baseline', partitions },
    ],
  });
  const t = await startCore();
  try {
    const kafka = new Kafka({
      clientId: 'bench',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const payloads = Array.from({ length: entries }, (_, i) => payload(i));
    for (let i = 0; i < entries; i += 5000) {
      await producer.send({
        topic: 'job-es-sync.dlq',
        acks: -1,
        messages: payloads.slice(i, i + 5000).map((value, k) => ({
          key: `doc-${i + k}`,
          value,
          headers: {
            '__connect.errors.topic': 'job-es-sync',
            '__connect.errors.partition': String((i + k) % partitions),
            '__connect.errors.offset': String(i + k),
            '__connect.errors.exception.class.name': 'MappingException',
            '__connect.errors.exception.message': 'price is not a number',
          },
        })),
      });
    }
    await producer.disconnect();
    const environmentId = await createEnvironment(t, { brokers: cluster.brokers });
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'sync dlq', settings: { kind: 'kafka', topic: 'job-es-sync.dlq' } },
    });
    const { indexMs, planMs, moveMs, job } = await indexAndReplayAll(t, source.id);
    if (job.moved !== entries) throw new Error(`Kafka replay moved ${job.moved} of ${entries}`);

    // The bare send with the same client library: kafkajs, acks=all, one request in flight.
    const bare = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
    await bare.connect();
    const bareStart = Date.now();
    for (let i = 0; i < entries; i += 2000) {
      await bare.send({
        topic: 'kcat-baseline',
        acks: -1,
        messages: payloads.slice(i, i + 2000).map((value, k) => ({ key: `doc-${i + k}`, value })),
      });
    }
    const bareMs = Date.now() - bareStart;
    await bare.disconnect();

    const kcat = requireOnPath('kcat', 'kafkacat');
    const input = payloads.map((value, i) => `doc-${i}\t${value}`).join('\n') + '\n';
    const kcatStart = Date.now();
    await runCommand(
      kcat,
      ['-P', '-b', cluster.bootstrap, '-t', 'kcat-baseline', '-K', '\t', '-X', 'acks=all'],
      input,
    );
    const kcatMs = Date.now() - kcatStart;
    return {
      name: 'Kafka DLQ -> topic',
      entries,
      replayPerSecond: rate(entries, moveMs),
      baselineName: 'kcat -P acks=all, same payloads',
      baselinePerSecond: rate(entries, kcatMs),
      goal: 0.8,
      reference: {
        name: 'kafkajs send loop, acks=all, 2,000 per request',
        perSecond: rate(entries, bareMs),
      },
      notes: `index ${indexMs} ms, plan ${planMs} ms, moves ${moveMs} ms; ${job.delivery.startsWith('This cluster') ? 'acks=all (the mock names no controller: no idempotent producer for kafkajs)' : 'idempotent producer'}`,
    };
  } finally {
    await t.cleanup();
    await cluster.stop();
  }
}
