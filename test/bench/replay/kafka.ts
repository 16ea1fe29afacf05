import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startKafka } from '../../../sandbox/servers';
import { requireOnPath } from '../../../sandbox/servers/lifecycle';
import { createEnvironment, startCore } from '../../integration/deadletters/harness';
import { makeTempDir } from '../../support/tempDir';
import { runKafkaTool } from '../_kafkaTools';
import { type Figure, indexAndReplayAll, payload, rate, runCommand } from './common';

/**
 * kafka-producer-perf-test.sh (ProducerPerformance) on the same cluster:
 * the same number of records, payloads drawn from the same ones (it sends
 * no keys), acks=all, everything else at the producer's defaults (the
 * idempotent producer, linger.ms=5, batch.size=16384). Its own rate is
 * measured from its first send to its last acknowledgement.
 */
async function producerPerfTest(
  bootstrap: string,
  topic: string,
  payloads: string[],
): Promise<{ perSecond: number; wallMs: number; summary: string }> {
  const temp = makeTempDir('sluice-bench-perf-');
  try {
    const file = join(temp.dir, 'payloads.txt');
    writeFileSync(file, payloads.join('\n'));
    const { ms, stdout } = await runKafkaTool(
      'org.apache.kafka.tools.ProducerPerformance',
      [
        '--topic',
        topic,
        '--num-records',
        String(payloads.length),
        '--payload-file',
        file,
        '--throughput',
        '-1',
        '--producer-props',
        `bootstrap.servers=${bootstrap}`,
        'acks=all',
      ],
      { heap: '512M', timeoutMs: 600_000 },
    );
    // The last "<n> records sent, <r> records/sec ..." line is the whole run's summary.
    const summary = stdout
      .split('\n')
      .filter((line) => / records sent, [\d.]+ records\/sec/.test(line))
      .at(-1);
    const sent = summary ? Number(/^(\d+) records sent/.exec(summary)?.[1]) : NaN;
    if (!summary || sent !== payloads.length)
      throw new Error(`ProducerPerformance did not report ${payloads.length} records: ${stdout}`);
    const perSecond = Math.round(Number(/([\d.]+) records\/sec/.exec(summary)![1]));
    return { perSecond, wallMs: Math.round(ms), summary: summary.trim() };
  } finally {
    temp.cleanup();
  }
}

export async function benchKafka(entries: number): Promise<Figure> {
  // The same partition count for the replay and for every baseline producer.
  const partitions = 8;
  const cluster = await startKafka({
    topics: [
      { name: 'job-es-sync.dlq', partitions },
      { name: 'job-es-sync', partitions },
      { name: 'kcat-baseline', partitions },
      { name: 'perf-baseline', partitions },
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
    const perf = await producerPerfTest(cluster.bootstrap, 'perf-baseline', payloads);
    return {
      name: 'Kafka DLQ -> topic',
      entries,
      replayPerSecond: rate(entries, moveMs),
      baselineName: 'kcat -P acks=all, same payloads and keys',
      baselinePerSecond: rate(entries, kcatMs),
      goal: 0.8,
      references: [
        {
          name: 'kafka-producer-perf-test (ProducerPerformance) acks=all, same payloads, no keys, its own timer',
          perSecond: perf.perSecond,
        },
        {
          name: 'kafkajs send loop, acks=all, 2,000 per request',
          perSecond: rate(entries, bareMs),
        },
      ],
      notes:
        `Apache Kafka 4.1, one KRaft node, ${partitions} partitions per topic; ` +
        `index ${indexMs} ms, plan ${planMs} ms, moves ${moveMs} ms; ` +
        `${job.delivery.startsWith('This cluster') ? 'acks=all, no idempotent producer' : 'idempotent producer, acks=all, one request in flight'}; ` +
        `kcat ${kcatMs} ms wall; perf-test ${perf.wallMs} ms wall (JVM start included): "${perf.summary}"`,
    };
  } finally {
    await t.cleanup();
    await cluster.stop();
  }
}
