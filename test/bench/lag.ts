/**
 * `npm run bench -- lag [--groups 2000] [--partitions 12] [--brokers 3] [--refreshes 10]
 *                       [--soak-minutes 10] [--tool-runs 3] [--no-naive] [--mock]`
 *
 * Seeds consumer groups x partitions on a real Apache Kafka cluster (offsets
 * are committed directly, generation -1, as offset-reset tools do: thousands
 * of real group joins would take many minutes), then times one full refresh
 * of the monitor (poll, Burrow evaluation, history write) for groups it
 * discovers itself, and counts its broker requests by API and version.
 * Baselines from the same run on the same cluster: Kafka's own
 * `kafka-consumer-groups.sh --describe --all-groups` (ConsumerGroupCommand,
 * JVM start included, and its time for one group to show the JVM's share),
 * kafkajs's admin client doing the same job group by group (fetchOffsets +
 * fetchTopicOffsets), and `kcat -L`. Finally polls one environment (this
 * Kafka cluster plus a Redis queue and a PostgreSQL sync gap) every second
 * for --soak-minutes and reports this process's CPU and memory.
 *
 * `--mock` runs on librdkafka's mock cluster instead (200 configured groups x
 * 50 partitions by default: the mock has no ListGroups and no batched
 * OffsetFetch, so the monitor falls back to one OffsetFetch per group).
 */
import Redis from 'ioredis';
import pg from 'pg';
import { monitoringConfigSchema, type MonitoringConfigInput } from '@shared/contract';
import { GROUPS_PER_REQUEST } from '../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import type { MonitoringService } from '../../src-main/core/monitoring/service';
import type { EventBus } from '../../src-main/core/rpc/eventBus';
import {
  startKafka,
  startMockKafka,
  startPostgres,
  startRedis,
  type KafkaCluster,
} from '../../sandbox/servers';
import { startTestCore } from '../support/testCore';
import { numberValue, readCommandLine } from '@shared/cli/commandLine';

import type { ToolRun } from './lagBaselines';
import {
  TOPIC,
  MESSAGES_PER_PARTITION,
  type Options,
  ms,
  mb,
  median,
  countsLine,
  groupName,
  seed,
  naiveRefresh,
  kcatMetadata,
  consumerGroupCommand,
} from './lagBaselines';

function parseArgs(args: string[]): Options {
  const { values } = readCommandLine(args, {
    groups: { type: 'string' },
    partitions: { type: 'string' },
    brokers: { type: 'string' },
    refreshes: { type: 'string' },
    'soak-minutes': { type: 'string' },
    'tool-runs': { type: 'string' },
    'no-naive': { type: 'boolean' },
    mock: { type: 'boolean' },
  });
  const mock = values.mock ?? false;
  const value = (flag: keyof typeof values, fallback: number, min: number): number =>
    numberValue(
      values[flag] as string | undefined,
      fallback,
      { min },
      `--${flag} needs a number >= ${min}`,
    );
  const options: Options = {
    groups: value('groups', mock ? 200 : 2000, 1),
    partitions: value('partitions', mock ? 50 : 12, 1),
    brokers: value('brokers', 3, 1),
    refreshes: value('refreshes', 10, 1),
    soakMinutes: value('soak-minutes', 10, 0),
    toolRuns: value('tool-runs', 3, 1),
    naive: !values['no-naive'],
    mock,
  };
  // The mock has no ListGroups: its groups must be configured, and a configuration holds 2,000.
  if (options.mock && options.groups > 2000)
    throw new Error('--mock takes at most 2000 groups (they are configured, not discovered)');
  return options;
}

export async function run(args: string[]): Promise<void> {
  const options = parseArgs(args);
  console.log(
    `lag bench: ${options.groups} groups x ${options.partitions} partitions on ${options.brokers} ${options.mock ? 'librdkafka mock brokers' : 'Apache Kafka 4.1 nodes (KRaft)'}`,
  );
  const topics = [{ name: TOPIC, partitions: options.partitions }];
  let t = performance.now();
  const cluster: KafkaCluster = options.mock
    ? await startMockKafka({ brokers: options.brokers, topics })
    : await startKafka({ brokers: options.brokers, topics });
  console.log(`cluster started (${ms(performance.now() - t)})`);
  // The soak reports heap growth: the core keeps no list of its events here.
  const sluice = await startTestCore({
    operator: { osUser: 'bench', hostName: 'bench' },
    recordEvents: false,
  });
  const { monitoring, events } = sluice.core;
  let redisServer: Awaited<ReturnType<typeof startRedis>> | null = null;
  let postgres: Awaited<ReturnType<typeof startPostgres>> | null = null;
  try {
    t = performance.now();
    await seed(cluster.brokers, options);
    console.log(
      `seeded: ${MESSAGES_PER_PARTITION} messages per partition, offsets committed for ${options.groups} groups x ${options.partitions} partitions (${ms(performance.now() - t)})`,
    );

    const environment = await sluice.call('environments.save', {
      environment: { name: 'bench', colour: '#225588', kafka: { brokers: cluster.brokers } },
      acceptUnencryptedSecrets: true,
    });
    // Real Kafka: every group is discovered (ListGroups), none configured.
    // The mock has no ListGroups: its groups are configured.
    const kafkaConfig: MonitoringConfigInput['kafka'] = {
      topics: [TOPIC],
      groups: options.mock
        ? Array.from({ length: options.groups }, (_, g) => ({ groupId: groupName(g) }))
        : [],
    };
    await monitoring.saveConfig(
      environment.id,
      monitoringConfigSchema.parse({
        pollIntervalMs: 600_000,
        timeoutMs: 30_000,
        kafka: kafkaConfig,
      }),
    );
    const monitor = monitoring.monitor(environment.id)!;
    const counts = new Map<string, number>();
    const offsetFetchPerBroker = new Map<string, number>();
    monitor.kafkaProbe!.onRequest(({ apiName, apiKey, apiVersion, broker }) => {
      const name = `${apiName}(${apiKey})v${apiVersion}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (apiName === 'OffsetFetch')
        offsetFetchPerBroker.set(broker, (offsetFetchPerBroker.get(broker) ?? 0) + 1);
    });
    t = performance.now();
    await monitor.pollAll();
    console.log(
      `warm-up refresh (connect, metadata, group discovery, coordinator look-ups): ${ms(performance.now() - t)}; ${countsLine(counts)}`,
    );

    const times: number[] = [];
    const perRefresh: string[] = [];
    for (let i = 0; i < options.refreshes; i += 1) {
      counts.clear();
      offsetFetchPerBroker.clear();
      t = performance.now();
      await monitor.pollAll();
      times.push(performance.now() - t);
      perRefresh.push(countsLine(counts));
    }
    const snapshot = monitoring.snapshot(environment.id);
    const health = snapshot.servers.find((s) => s.server === 'kafka')!;
    if (health.state !== 'up')
      throw new Error(`the Kafka source is ${health.state}: ${health.message}`);
    const groups = snapshot.kafka?.groups ?? [];
    const partitions = monitoring.partitions(environment.id).length;
    const totalLag = groups.reduce((sum, g) => sum + g.totalLag, 0);
    const sum = (prefix: string) =>
      [...counts.entries()].filter(([k]) => k.startsWith(prefix)).reduce((a, [, n]) => a + n, 0);
    const listOffsets = sum('ListOffsets');
    const offsetFetch = sum('OffsetFetch');
    const otherRequests = [...counts.keys()].filter(
      (k) => !k.startsWith('ListOffsets') && !k.startsWith('OffsetFetch'),
    );
    const batched = [...counts.keys()].some((k) => k.startsWith('OffsetFetch(9)v8'));
    // Batched: each coordinator gets ceil(its groups / chunk) requests, at most
    // ceil(groups / chunk) + (coordinators - 1) in all. Per group otherwise.
    const offsetFetchBudget = batched
      ? Math.ceil(options.groups / GROUPS_PER_REQUEST) + options.brokers - 1
      : options.groups;
    const budgetMet =
      listOffsets <= options.brokers &&
      offsetFetch <= offsetFetchBudget &&
      otherRequests.length === 0 &&
      groups.length === options.groups;
    console.log('');
    console.log(
      `one full refresh (poll + Burrow evaluation of ${partitions} group partitions + history write):`,
    );
    console.log(
      `  time: median ${ms(median(times))}, min ${ms(Math.min(...times))}, max ${ms(Math.max(...times))} over ${times.length} refreshes`,
    );
    console.log(
      `  of which the Kafka poll (requests and decoding, last refresh): ${ms(health.lastDurationMs ?? 0)}`,
    );
    console.log(
      `  requests: ${perRefresh.at(-1)} (every refresh: ${new Set(perRefresh).size === 1 ? 'the same' : perRefresh.join(' | ')})`,
    );
    console.log(
      `  OffsetFetch per coordinator: ${[...offsetFetchPerBroker.values()].join(' / ')} (${batched ? `batched, ${GROUPS_PER_REQUEST} groups per request` : 'one per group: the broker lacks OffsetFetch v8'})`,
    );
    console.log(
      `  budget (<= 1 ListOffsets per broker = ${options.brokers}, OffsetFetch <= ${offsetFetchBudget}, nothing else, all ${options.groups} groups seen): ${budgetMet ? 'met' : 'NOT met'}`,
    );
    console.log(
      `  goal (<= 1000 ms): ${Math.max(...times) <= 1000 ? 'met' : 'NOT met'}; groups ${groups.length}, total lag ${totalLag}, statuses ${[...new Set(groups.map((g) => g.status))].join('/')}`,
    );

    if (!options.mock) {
      console.log('');
      console.log(
        'baseline, kafka-consumer-groups.sh --describe (ConsumerGroupCommand, Kafka 4.1, JVM start included):',
      );
      const all: ToolRun[] = [];
      for (let i = 0; i < options.toolRuns; i += 1)
        all.push(await consumerGroupCommand(cluster.bootstrap, ['--all-groups']));
      const one: ToolRun[] = [];
      for (let i = 0; i < options.toolRuns; i += 1)
        one.push(await consumerGroupCommand(cluster.bootstrap, ['--group', groupName(0)]));
      const line = (runs: ToolRun[]) =>
        `median ${ms(median(runs.map((r) => r.ms)))} (runs: ${runs.map((r) => ms(r.ms)).join(', ')}); ${runs[0]!.rows} partition rows, total lag ${runs[0]!.lag}`;
      console.log(`  --all-groups: ${line(all)}`);
      console.log(`  --group ${groupName(0)} (JVM start + one group): ${line(one)}`);
      if (all[0]!.lag !== totalLag)
        console.log(`  (lag differs from the monitor's: ${all[0]!.lag} vs ${totalLag})`);
    }

    if (options.naive) {
      const naive = await naiveRefresh(cluster.brokers, options);
      console.log('');
      console.log('baseline, kafkajs admin group by group (fetchOffsets + fetchTopicOffsets):');
      console.log(
        `  time: ${ms(naive.elapsed)}; requests: ${countsLine(naive.counts)}; total lag ${naive.lag}`,
      );
      if (naive.lag !== totalLag)
        console.log(`  (lag differs from the monitor's: ${naive.lag} vs ${totalLag})`);
    }
    const kcat = kcatMetadata(cluster.bootstrap);
    if (kcat !== null)
      console.log(`baseline, kcat -L (process start + one metadata round trip): ${ms(kcat)}`);

    if (options.soakMinutes > 0) {
      [redisServer, postgres] = await Promise.all([
        startRedis(),
        startPostgres({ database: 'pipeline' }),
      ]);
      const redis = new Redis(redisServer.url);
      redis.on('error', () => undefined);
      await redis.rpush('write_queue', ...Array.from({ length: 100 }, (_, i) => `d${i}`));
      redis.disconnect();
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      await client.query(`CREATE TABLE documents (id int PRIMARY KEY, updated_at timestamptz NOT NULL,
        es_synced_at timestamptz);
        INSERT INTO documents SELECT g, now(), CASE WHEN g % 10 = 0 THEN NULL ELSE now() END
          FROM generate_series(1, 10000) g;`);
      await client.end();
      const full = await sluice.call('environments.save', {
        environment: {
          id: environment.id,
          name: 'bench',
          colour: '#225588',
          kafka: { brokers: cluster.brokers },
          redisUrl: redisServer.url,
          postgresUrl: postgres.url,
        },
        acceptUnencryptedSecrets: true,
      });
      await monitoring.saveConfig(
        full.id,
        monitoringConfigSchema.parse({
          pollIntervalMs: 1000,
          timeoutMs: 5000,
          kafka: kafkaConfig,
          redis: { queues: [{ key: 'write_queue', deadLetterKey: 'write_queue:dead' }] },
          postgres: {
            tables: [
              { table: 'documents', updatedAtColumn: 'updated_at', syncedAtColumn: 'es_synced_at' },
            ],
          },
          alerts: [
            { kind: 'queue-depth', above: 1000, forSeconds: 60 },
            { kind: 'group-status', atLeast: 'STOP' },
          ],
        }),
      );
      await soak(monitoring, events, full.id, options.soakMinutes);
    }
  } finally {
    await sluice.cleanup();
    await Promise.all([cluster.stop(), redisServer?.stop(), postgres?.stop()]);
  }
}

async function soak(
  monitoring: MonitoringService,
  events: EventBus,
  environmentId: string,
  minutes: number,
): Promise<void> {
  const samples = { redis: 0, kafka: 0, postgres: 0 };
  events.onAny((event, payload) => {
    if (event === 'monitoring.sample')
      samples[(payload as { server: keyof typeof samples }).server] += 1;
  });
  console.log('');
  console.log(`soak: polling every source of one environment every second for ${minutes} min`);
  // Let the first connections settle before the clock starts.
  await new Promise((r) => setTimeout(r, 5000));
  const rows: string[] = [];
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  let lastCpu = startCpu;
  let lastWall = startWall;
  const memory: { rss: number; heap: number }[] = [];
  const interval = Math.min(60_000, (minutes * 60_000) / 10);
  const end = startWall + minutes * 60_000;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(interval, end - performance.now())));
    const cpu = process.cpuUsage(lastCpu);
    const wall = performance.now() - lastWall;
    lastCpu = process.cpuUsage();
    lastWall = performance.now();
    const usage = process.memoryUsage();
    memory.push({ rss: usage.rss, heap: usage.heapUsed });
    const health = monitoring.snapshot(environmentId).servers;
    rows.push(
      `  ${((performance.now() - startWall) / 60_000).toFixed(1).padStart(5)} min  cpu ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(1).padStart(5)} %  rss ${mb(usage.rss).padStart(9)}  heap ${mb(usage.heapUsed).padStart(9)}  ` +
        health
          .map(
            (h) =>
              `${h.server} ${h.state} (${h.lastDurationMs ?? '-'} ms, skipped ${h.skippedTicks})`,
          )
          .join(', '),
    );
    console.log(rows.at(-1));
  }
  const cpu = process.cpuUsage(startCpu);
  const wall = performance.now() - startWall;
  const half = Math.floor(memory.length / 2);
  const avg = (list: { heap: number }[]) =>
    list.reduce((s, m) => s + m.heap, 0) / Math.max(1, list.length);
  console.log(
    `  average cpu ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(1)} % of one core; samples taken: redis ${samples.redis}, kafka ${samples.kafka}, postgres ${samples.postgres}`,
  );
  console.log(
    `  rss ${mb(memory[0]!.rss)} -> ${mb(memory.at(-1)!.rss)} (max ${mb(Math.max(...memory.map((m) => m.rss)))}); heap first half avg ${mb(avg(memory.slice(0, half)))}, second half avg ${mb(avg(memory.slice(half)))}`,
  );
}
