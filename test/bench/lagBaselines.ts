/** What the lag benchmark seeds and the baselines it measures itself against (kafkajs group by group, kcat, ConsumerGroupCommand). */
import { spawnSync } from 'node:child_process';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { KafkaOffsetsClient } from '../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import { MissingBinaryError } from '../../sandbox/servers';
import { requireOnPath } from '../../sandbox/servers/lifecycle';
import { runKafkaTool } from './_kafkaTools';

export const TOPIC = 'bench-lag';
export const MESSAGES_PER_PARTITION = 40;

export interface Options {
  groups: number;
  partitions: number;
  brokers: number;
  refreshes: number;
  soakMinutes: number;
  /** Runs of each ConsumerGroupCommand baseline (median printed). */
  toolRuns: number;
  naive: boolean;
  mock: boolean;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export function countsLine(counts: Map<string, number>): string {
  return [...counts.entries()]
    .sort()
    .map(([api, n]) => `${api}=${n}`)
    .join(', ');
}

export function groupName(index: number): string {
  return `bench-group-${String(index).padStart(4, '0')}`;
}

/** Runs `work` over 0..count-1 with at most `limit` in flight. */
export async function eachLimited(
  count: number,
  limit: number,
  work: (i: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

export async function seed(brokers: string[], options: Options): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-seed', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let round = 0; round < MESSAGES_PER_PARTITION; round += 1) {
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: options.partitions }, (_, partition) => ({
        partition,
        value: `m${round}`,
      })),
    });
  }
  await producer.disconnect();

  const committer = new KafkaOffsetsClient(
    { brokers, clientId: 'bench-commit', ssl: false, sslRejectUnauthorized: true, sasl: null },
    10_000,
  );
  await committer.watchTopics([TOPIC]);
  // 16 commits in flight: seeding thousands of groups one by one takes minutes.
  await eachLimited(options.groups, 16, async (g) => {
    await committer.commitOffsets(groupName(g), [
      {
        topic: TOPIC,
        partitions: Array.from({ length: options.partitions }, (_, partition) => ({
          partition,
          // A spread of lags, some partitions caught up.
          offset: (g * 7 + partition * 13) % (MESSAGES_PER_PARTITION + 1),
        })),
      },
    ]);
  });
  await committer.disconnect();
}

/** kafkajs's admin client doing the same refresh group by group. */
export async function naiveRefresh(brokers: string[], options: Options) {
  const kafka = new Kafka({ clientId: 'bench-naive', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const counts = new Map<string, number>();
  admin.on(admin.events.REQUEST, (event) => {
    const name = `${event.payload.apiName}(${event.payload.apiKey})`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  });
  await admin.connect();
  // Warm up connections and metadata, as the monitor's warm-up does.
  await admin.fetchTopicOffsets(TOPIC);
  counts.clear();
  const started = performance.now();
  let lag = 0;
  for (let g = 0; g < options.groups; g += 1) {
    const [committed] = await admin.fetchOffsets({ groupId: groupName(g), topics: [TOPIC] });
    const ends = await admin.fetchTopicOffsets(TOPIC);
    for (const partition of committed!.partitions) {
      const end = ends.find((e) => e.partition === partition.partition)!;
      lag += Math.max(0, Number(end.high) - Number(partition.offset));
    }
  }
  const elapsed = performance.now() - started;
  await admin.disconnect();
  return { elapsed, counts, lag };
}

/** kcat's own metadata listing against the same cluster: a floor for one round of requests. */
export function kcatMetadata(bootstrap: string): number | null {
  let kcat: string;
  try {
    kcat = requireOnPath('kcat', 'kafkacat');
  } catch {
    try {
      kcat = requireOnPath('kafkacat', 'kafkacat');
    } catch (error) {
      if (error instanceof MissingBinaryError) throw error;
      return null;
    }
  }
  const started = performance.now();
  const result = spawnSync(kcat, ['-L', '-b', bootstrap, '-t', TOPIC], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`kcat -L failed: ${result.stderr}`);
  return performance.now() - started;
}

export interface ToolRun {
  ms: number;
  /** Partition rows printed, and the sum of their LAG column. */
  rows: number;
  lag: number;
}

/**
 * `kafka-consumer-groups.sh --bootstrap-server <b> --describe <groups>`: the
 * same class with the script's JVM settings, wall time from process start
 * to exit. --timeout is raised from its 5 s default so thousands of groups
 * are not cut short.
 */
export async function consumerGroupCommand(
  bootstrap: string,
  groupArgs: string[],
): Promise<ToolRun> {
  const { ms, stdout } = await runKafkaTool(
    'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    ['--bootstrap-server', bootstrap, '--describe', ...groupArgs, '--timeout', '120000'],
    { heap: '256M', timeoutMs: 300_000 },
  );
  let rows = 0;
  let lag = 0;
  // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || !/^\d+$/.test(fields[2]!)) continue;
    rows += 1;
    if (/^\d+$/.test(fields[5]!)) lag += Number(fields[5]);
  }
  return { ms, rows, lag };
}
