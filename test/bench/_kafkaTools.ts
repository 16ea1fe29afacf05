/**
 * Apache Kafka's own command-line tools, run as their scripts run them
 * (kafka-run-class.sh's JVM settings), from the jars the test harness
 * resolves. Benchmarks use them as baselines on the same cluster. (The
 * leading underscore keeps this file out of `npm run bench`'s list.)
 */
import { execFile } from 'node:child_process';
import { javaBinary, kafkaClasspath } from '../../sandbox/servers/kafka/classpath';

/** kafka-run-class.sh's JVM options; the heap is each script's KAFKA_HEAP_OPTS default. */
function jvmOptions(heap: string): string[] {
  return [
    `-Xmx${heap}`,
    '-server',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
  ];
}

export interface ToolResult {
  /** Wall time from process start to exit: JVM start included. */
  ms: number;
  stdout: string;
}

export async function runKafkaTool(
  mainClass: string,
  args: string[],
  options: { heap: string; timeoutMs: number },
): Promise<ToolResult> {
  const classpath = await kafkaClasspath();
  const started = performance.now();
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      javaBinary(),
      [...jvmOptions(options.heap), '-cp', classpath, mainClass, ...args],
      { timeout: options.timeoutMs, maxBuffer: 512 * 1024 * 1024 },
      (error, out, err) =>
        error ? reject(new Error(`${mainClass} failed: ${err || error.message}`)) : resolve(out),
    );
  });
  return { ms: performance.now() - started, stdout };
}

function configCommand(bootstrap: string, clientId: string, change: string[]): Promise<unknown> {
  return runKafkaTool(
    'kafka.admin.ConfigCommand',
    [
      '--bootstrap-server',
      bootstrap,
      '--alter',
      ...change,
      '--entity-type',
      'clients',
      '--entity-name',
      clientId,
    ],
    { heap: '256M', timeoutMs: 120_000 },
  );
}

/**
 * Sets a client quota (e.g. producer_byte_rate) with kafka-configs.sh's own
 * class, `--entity-type clients --entity-name <clientId>`; the broker
 * throttles that client id from its next request.
 */
export async function setClientQuota(
  bootstrap: string,
  clientId: string,
  quota: Record<string, number>,
): Promise<void> {
  const settings = Object.entries(quota).map(([name, value]) => `${name}=${value}`);
  await configCommand(bootstrap, clientId, ['--add-config', settings.join(',')]);
}

/** Removes the named quotas of a client id. */
export async function removeClientQuota(
  bootstrap: string,
  clientId: string,
  names: string[],
): Promise<void> {
  await configCommand(bootstrap, clientId, ['--delete-config', names.join(',')]);
}

/**
 * A consumer group of a topic and a steady trickle of records into it, in a
 * process of its own (so Sluice's work in the test's process cannot delay
 * it): what it measures is what the broker gives the group. Commands on
 * stdin: "measure" (start counting from now), "report" (one JSON line),
 * "stop". It reports `ready` once every member joined, the group is Stable
 * and it has read what the topic held when it started.
 */
const GROUP_WATCHER = String.raw`
const { Kafka, logLevel } = require('kafkajs');
const [brokers, topic, groupId, members, perSecond] = process.argv.slice(1);
const kafka = new Kafka({ clientId: 'group-watcher', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let received = 0, joins = 0, trickled = 0, measuring = false, lastReceived = 0, longestGapMs = 0, longestLatencyMs = 0;
const consumers = [];
(async () => {
  const admin = kafka.admin();
  await admin.connect();
  const head = (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  for (let m = 0; m < Number(members); m += 1) {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    consumer.on(consumer.events.GROUP_JOIN, () => (joins += 1));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) {
        received += 1;
        if (measuring) {
          longestLatencyMs = Math.max(longestLatencyMs, now - Number(message.timestamp));
          longestGapMs = Math.max(longestGapMs, now - lastReceived);
        }
        lastReceived = now;
      }
    } });
    consumers.push(consumer);
  }
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    if (received >= head && joins >= Number(members) && groups[0].state === 'Stable' && groups[0].members.length === Number(members)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let stopping = false;
  const every = 100, per = Math.max(1, Math.round(Number(perSecond) / 10));
  const trickle = (async () => {
    while (!stopping) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: per }, (_, i) => ({ key: 'live-' + (trickled + i), value: 'live' })) });
      trickled += per;
      await new Promise((r) => setTimeout(r, every));
    }
  })();
  out({ ready: true, received, joins });
  require('readline').createInterface({ input: process.stdin }).on('line', async (line) => {
    if (line === 'measure') { measuring = true; lastReceived = Date.now(); longestGapMs = 0; longestLatencyMs = 0; }
    if (line === 'report') out({ received, joins, trickled, longestGapMs, longestLatencyMs });
    if (line === 'stop') {
      stopping = true;
      await trickle;
      await producer.disconnect();
      for (const c of consumers) await c.disconnect();
      out({ stopped: true });
      process.exit(0);
    }
  });
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

export interface GroupReport {
  received: number;
  /** GROUP_JOIN events of the members since they started: a rebalance adds to it. */
  joins: number;
  trickled: number;
  longestGapMs: number;
  longestLatencyMs: number;
}

export interface GroupWatcher {
  /** Starts counting the longest gap and latency from now. */
  measure(): void;
  report(): Promise<GroupReport>;
  stop(): Promise<void>;
}

export async function startGroupWatcher(options: {
  brokers: string[];
  topic: string;
  groupId: string;
  members: number;
  recordsPerSecond: number;
}): Promise<GroupWatcher> {
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const args = [options.brokers.join(','), options.topic, options.groupId];
  args.push(String(options.members), String(options.recordsPerSecond));
  const child = spawn(process.execPath, ['-e', GROUP_WATCHER, ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const lines: ((line: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.shift()?.(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) => reject(new Error(`group watcher exited ${code}: ${stderr}`))),
  );
  exited.catch(() => undefined);
  const next = (): Promise<Record<string, unknown>> =>
    Promise.race([new Promise<Record<string, unknown>>((resolve) => lines.push(resolve)), exited]);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      next(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`group watcher not ready: ${stderr}`)), 180_000);
      }),
    ]);
  } catch (error) {
    child.kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    measure: () => child.stdin.write('measure\n'),
    async report() {
      const answer = next();
      child.stdin.write('report\n');
      return (await answer) as unknown as GroupReport;
    },
    async stop() {
      const answer = next();
      child.stdin.write('stop\n');
      await answer;
    },
  };
}
