/**
 * `npm run bench -- lag [--groups 200] [--partitions 50] [--brokers 3] [--refreshes 10]
 *                       [--soak-minutes 10]`
 *
 * Seeds consumer groups x partitions on the mock Kafka cluster (offsets are
 * committed directly, generation -1, as offset-reset tools do: 200 real group
 * joins would take minutes on this broker), then times one full refresh of the
 * monitor (poll, Burrow evaluation, history write) and counts its broker
 * requests by API. Baselines from the same run: kafkajs's admin client doing
 * the same job group by group (fetchOffsets + fetchTopicOffsets), and
 * `kcat -L` metadata against the same broker. Finally polls one environment
 * (this Kafka cluster plus a Redis queue and a PostgreSQL sync gap) every
 * second for --soak-minutes and reports this process's CPU and memory.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pg from 'pg';
import {
  environmentInputSchema,
  monitoringConfigSchema,
  type MonitoringConfigInput,
} from '../../src-preload/contract';
import { EnvironmentRepository } from '../../src-main/core/environments/repository';
import { EnvironmentService } from '../../src-main/core/environments/service';
import { silentLogger } from '../../src-main/core/log/logger';
import { KafkaOffsetsClient } from '../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import { MonitoringService } from '../../src-main/core/monitoring/service';
import { EventBus } from '../../src-main/core/rpc/eventBus';
import { createFileSecretStore } from '../../src-main/core/secrets';
import { openStore } from '../../src-main/core/store/database';
import { migrations } from '../../src-main/core/store/migrations';
import { MissingBinaryError, startKafka, startPostgres, startRedis } from '../../sandbox/servers';
import { requireOnPath } from '../../sandbox/servers/lifecycle';
import { makeTempDir } from '../support/tempDir';

const TOPIC = 'bench-lag';
const MESSAGES_PER_PARTITION = 40;

interface Options {
  groups: number;
  partitions: number;
  brokers: number;
  refreshes: number;
  soakMinutes: number;
}

function parseArgs(args: string[]): Options {
  const options: Options = {
    groups: 200,
    partitions: 50,
    brokers: 3,
    refreshes: 10,
    soakMinutes: 10,
  };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const value = (min: number): number => {
      const parsed = Number(args[++i]);
      if (!Number.isFinite(parsed) || parsed < min)
        throw new Error(`${arg} needs a number >= ${min}`);
      return parsed;
    };
    if (arg === '--groups') options.groups = value(1);
    else if (arg === '--partitions') options.partitions = value(1);
    else if (arg === '--brokers') options.brokers = value(1);
    else if (arg === '--refreshes') options.refreshes = value(1);
    else if (arg === '--soak-minutes') options.soakMinutes = value(0);
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function countsLine(counts: Map<string, number>): string {
  return [...counts.entries()]
    .sort()
    .map(([api, n]) => `${api}=${n}`)
    .join(', ');
}

function groupName(index: number): string {
  return `bench-group-${String(index).padStart(3, '0')}`;
}

async function seed(brokers: string[], options: Options): Promise<void> {
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
  for (let g = 0; g < options.groups; g += 1) {
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
  }
  await committer.disconnect();
}

/** kafkajs's admin client doing the same refresh group by group. */
async function naiveRefresh(brokers: string[], options: Options) {
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
function kcatMetadata(bootstrap: string): number | null {
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

export async function run(args: string[]): Promise<void> {
  const options = parseArgs(args);
  console.log(
    `lag bench: ${options.groups} groups x ${options.partitions} partitions on ${options.brokers} mock brokers`,
  );
  const cluster = await startKafka({
    brokers: options.brokers,
    topics: [{ name: TOPIC, partitions: options.partitions }],
  });
  const temp = makeTempDir('sluice-bench-lag-');
  const db = openStore({ file: join(temp.dir, 'sluice.db'), migrations });
  const events = new EventBus(silentLogger);
  const environments = new EnvironmentService(
    new EnvironmentRepository(db),
    createFileSecretStore(join(temp.dir, 'secrets.json')),
    events,
  );
  const monitoring = new MonitoringService({
    db,
    environments,
    events,
    logger: silentLogger,
    notify: () => undefined,
    operatorName: () => 'bench',
  });
  let redisServer: Awaited<ReturnType<typeof startRedis>> | null = null;
  let postgres: Awaited<ReturnType<typeof startPostgres>> | null = null;
  try {
    let t = performance.now();
    await seed(cluster.brokers, options);
    console.log(
      `seeded: ${MESSAGES_PER_PARTITION} messages per partition, offsets committed for every group (${ms(performance.now() - t)})`,
    );
    await monitoring.start();

    const environment = await environments.save(
      environmentInputSchema.parse({
        name: 'bench',
        colour: '#225588',
        kafka: { brokers: cluster.brokers },
      }),
      true,
    );
    const kafkaConfig: MonitoringConfigInput['kafka'] = {
      topics: [TOPIC],
      groups: Array.from({ length: options.groups }, (_, g) => ({ groupId: groupName(g) })),
    };
    await monitoring.saveConfig(
      environment.id,
      monitoringConfigSchema.parse({
        pollIntervalMs: 600_000,
        timeoutMs: 10_000,
        kafka: kafkaConfig,
      }),
    );
    const monitor = monitoring.monitor(environment.id)!;
    const counts = new Map<string, number>();
    monitor.kafkaSource!.onRequest(({ apiName, apiKey }) => {
      const name = `${apiName}(${apiKey})`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    });
    t = performance.now();
    await monitor.pollAll();
    console.log(
      `warm-up refresh (connect, metadata, ${options.groups} coordinator look-ups): ${ms(performance.now() - t)}; ${countsLine(counts)}`,
    );

    const times: number[] = [];
    const perRefresh: string[] = [];
    for (let i = 0; i < options.refreshes; i += 1) {
      counts.clear();
      t = performance.now();
      await monitor.pollAll();
      times.push(performance.now() - t);
      perRefresh.push(countsLine(counts));
    }
    const snapshot = monitoring.snapshot(environment.id);
    const groups = snapshot.kafka?.groups ?? [];
    const partitions = monitoring.partitions(environment.id).length;
    const totalLag = groups.reduce((sum, g) => sum + g.totalLag, 0);
    const listOffsets = [...counts.entries()].find(([k]) => k.startsWith('ListOffsets'))?.[1] ?? 0;
    const offsetFetch = [...counts.entries()].find(([k]) => k.startsWith('OffsetFetch'))?.[1] ?? 0;
    const otherRequests = [...counts.entries()].filter(
      ([k]) => !k.startsWith('ListOffsets') && !k.startsWith('OffsetFetch'),
    );
    const budgetMet =
      listOffsets <= options.brokers &&
      offsetFetch === options.groups &&
      otherRequests.length === 0;
    console.log('');
    console.log(
      `one full refresh (poll + Burrow evaluation of ${partitions} group partitions + history write):`,
    );
    console.log(
      `  time: median ${ms(median(times))}, min ${ms(Math.min(...times))}, max ${ms(Math.max(...times))} over ${times.length} refreshes`,
    );
    console.log(
      `  requests: ${perRefresh.at(-1)} (every refresh: ${new Set(perRefresh).size === 1 ? 'the same' : perRefresh.join(' | ')})`,
    );
    console.log(
      `  budget (<= 1 ListOffsets per broker = ${options.brokers}, 1 OffsetFetch per group = ${options.groups}): ${budgetMet ? 'met' : 'NOT met'}`,
    );
    console.log(
      `  goal (<= 1000 ms): ${Math.max(...times) <= 1000 ? 'met' : 'NOT met'}; groups ${groups.length}, total lag ${totalLag}, statuses ${[...new Set(groups.map((g) => g.status))].join('/')}`,
    );

    const naive = await naiveRefresh(cluster.brokers, options);
    console.log('');
    console.log('baseline, kafkajs admin group by group (fetchOffsets + fetchTopicOffsets):');
    console.log(
      `  time: ${ms(naive.elapsed)}; requests: ${countsLine(naive.counts)}; total lag ${naive.lag}`,
    );
    if (naive.lag !== totalLag)
      console.log(`  (lag differs from the monitor's: ${naive.lag} vs ${totalLag})`);
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
      const full = await environments.save(
        environmentInputSchema.parse({
          id: environment.id,
          name: 'bench',
          colour: '#225588',
          kafka: { brokers: cluster.brokers },
          redisUrl: redisServer.url,
          postgresUrl: postgres.url,
        }),
        true,
      );
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
    await monitoring.close();
    db.close();
    temp.cleanup();
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
      samples[(payload as { source: keyof typeof samples }).source] += 1;
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
    const health = monitoring.snapshot(environmentId).sources;
    rows.push(
      `  ${((performance.now() - startWall) / 60_000).toFixed(1).padStart(5)} min  cpu ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(1).padStart(5)} %  rss ${mb(usage.rss).padStart(9)}  heap ${mb(usage.heapUsed).padStart(9)}  ` +
        health
          .map(
            (h) =>
              `${h.source} ${h.state} (${h.lastDurationMs ?? '-'} ms, skipped ${h.skippedTicks})`,
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
