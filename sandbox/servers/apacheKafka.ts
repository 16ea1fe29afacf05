import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ServerStartError } from './errors';
import type { KafkaCluster } from './kafka';
import { LOG4J2_PROPERTIES, nodeProperties } from './kafka/brokerConfig';
import type { NodePorts } from './kafka/brokerConfig';
import { javaBinary, kafkaClasspath } from './kafka/classpath';
import { makeTestCertificates } from './kafka/tls';
import type { TestCertificates } from './kafka/tls';
import {
  OutputTail,
  Watchdog,
  detachHandles,
  freePort,
  hasExited,
  registerEmergencyKill,
  sleep,
  waitForExit,
} from './lifecycle';

const START_TIMEOUT_MS = 90_000;
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
// Small heaps: three brokers, PostgreSQL, Redis and the tests share a laptop.
const JVM_OPTIONS = ['-Xms64m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true'];

export interface ScramUser {
  name: string;
  password: string;
}

export interface KafkaClusterOptions {
  brokers?: number;
  /** Topics to create; `config` holds topic-level settings such as max.message.bytes. */
  topics?: {
    name: string;
    partitions: number;
    replicationFactor?: number;
    config?: Record<string, string>;
  }[];
  /** Adds a SASL_PLAINTEXT listener with SCRAM-SHA-512 and these users. */
  scramUsers?: ScramUser[];
  /** Adds an SSL listener whose certificate a throwaway CA signed. */
  tls?: boolean;
  /** The standard authorizer: SCRAM users get only what ACLs grant. */
  authorizer?: boolean;
}

/** A real Apache Kafka cluster (KRaft) on 127.0.0.1, one process per node. */
export interface ApacheKafkaCluster extends KafkaCluster {
  readonly kind: 'apache-kafka';
  /** SASL_PLAINTEXT (SCRAM-SHA-512) and SSL listeners, where asked for. */
  saslBrokers: string[];
  sslBrokers: string[];
  certificates: TestCertificates | null;
  /** The current pid of node `id` (ids start at 1), null while it is killed. */
  brokerPid(brokerId: number): number | null;
  /** Creates a topic (with topic-level settings) and waits for its leaders. */
  createTopic(
    name: string,
    partitions: number,
    replicationFactor?: number,
    config?: Record<string, string>,
  ): Promise<void>;
  /** kill -9 of node `id`; -1 kills every node. */
  brokerDown(brokerId: number): Promise<void>;
  /** Starts a killed node again on its ports and data; -1 starts every killed node. */
  brokerUp(brokerId: number): Promise<void>;
  /** Node ids leading each partition of a topic. */
  partitionLeaders(topic: string): Promise<Map<number, number>>;
  /** An admin client on the PLAINTEXT listener (super user when the authorizer is on). */
  admin(): ReturnType<Kafka['admin']>;
}

interface NodeProcess {
  id: number;
  dir: string;
  propertiesFile: string;
  ports: NodePorts;
  child: ChildProcess | null;
  tail: OutputTail;
  watchdog: Watchdog;
}

function assertInteger(label: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${label} must be an integer >= ${min}, got ${value}`);
  }
}

function runJava(classpath: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      javaBinary(),
      ['-Xmx256m', '-cp', classpath, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) =>
        error
          ? reject(
              new ServerStartError(
                `${args.slice(0, 2).join(' ')} failed: ${stderr || error.message}`,
              ),
            )
          : resolve(stdout),
    );
  });
}

/** A kafkajs client for the harness's own admin calls: silent, short timeouts. */
function quiet(brokers: string[]): Kafka {
  return new Kafka({
    clientId: 'sluice-harness',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 10_000,
    retry: { retries: 5, initialRetryTime: 200 },
  });
}

async function allocatePorts(opts: KafkaClusterOptions): Promise<NodePorts> {
  return {
    plaintext: await freePort(),
    controller: await freePort(),
    sasl: opts.scramUsers?.length ? await freePort() : null,
    ssl: opts.tls ? await freePort() : null,
  };
}

/** Waits until node `brokerId` answers metadata and the cluster lists `expected` brokers. */
async function waitForBroker(
  address: string,
  expected: number,
  node: NodeProcess,
  deadline: number,
): Promise<void> {
  let lastError = '';
  while (Date.now() < deadline) {
    if (!node.child || hasExited(node.child)) {
      throw new ServerStartError(`Kafka node ${node.id} exited during start-up: ${node.tail}`);
    }
    const admin = quiet([address]).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length >= expected && cluster.controller !== null) return;
      lastError = `${cluster.brokers.length} of ${expected} brokers registered`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(250);
  }
  throw new ServerStartError(
    `Kafka node ${node.id} (${address}) was not ready after ${START_TIMEOUT_MS} ms (${lastError}): ${node.tail}`,
  );
}

/** Waits until every partition of a new topic has a leader on every broker's metadata. */
async function waitForLeaders(
  client: ReturnType<Kafka['admin']>,
  topic: string,
  partitions: number,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const metadata = await client.fetchTopicMetadata({ topics: [topic] });
      const led = (metadata.topics[0]?.partitions ?? []).filter((p) => p.leader >= 0);
      if (led.length === partitions) return;
      lastError = `${led.length} of ${partitions} partitions have a leader`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  throw new ServerStartError(`topic ${topic} had no leaders after 30 s: ${lastError}`);
}

/**
 * Starts Apache Kafka 4.x in KRaft mode from the jars Maven resolves: every
 * node is a combined broker and controller in a temp directory with random
 * loopback ports. A watchdog per node kills it and removes its directory when
 * this process dies in any way, SIGKILL included.
 */
export async function startApacheKafka(
  opts: KafkaClusterOptions = {},
): Promise<ApacheKafkaCluster> {
  const count = opts.brokers ?? 1;
  assertInteger('brokers', count, 1);
  const java = javaBinary();
  const classpath = await kafkaClasspath();
  const root = await mkdtemp(join(tmpdir(), 'sluice-kafka-'));
  const rootWatchdog = new Watchdog(root, 'KILL');
  const nodes: NodeProcess[] = [];
  const unregister = registerEmergencyKill(() => {
    for (const node of nodes) node.child?.kill('SIGKILL');
  });

  const spawnNode = (node: NodeProcess): void => {
    node.tail = new OutputTail();
    const child = spawn(
      java,
      [
        ...JVM_OPTIONS,
        `-Dlog4j2.configurationFile=${join(node.dir, 'log4j2.properties')}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        node.propertiesFile,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child.on('error', (error) => node.tail.append(Buffer.from(String(error))));
    node.tail.attach(child);
    detachHandles(child);
    node.child = child;
    if (child.pid) node.watchdog.watch(child.pid);
  };

  const killNode = async (node: NodeProcess): Promise<void> => {
    const child = node.child;
    node.child = null;
    if (child && !hasExited(child)) {
      child.kill('SIGKILL');
      await waitForExit(child, 10_000);
    }
  };

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await Promise.all(nodes.map(killNode));
      unregister();
      await rm(root, { recursive: true, force: true });
      for (const node of nodes) node.watchdog.release();
      rootWatchdog.release();
    })());

  try {
    const certificates = opts.tls ? await makeTestCertificates(root) : null;
    const clusterId = (await runJava(classpath, ['kafka.tools.StorageTool', 'random-uuid'])).trim();
    const ports: NodePorts[] = [];
    for (let i = 0; i < count; i += 1) ports.push(await allocatePorts(opts));
    const voters = new Map(ports.map((p, i) => [i + 1, p.controller]));
    for (let i = 0; i < count; i += 1) {
      const id = i + 1;
      const dir = join(root, `node-${id}`);
      await mkdir(join(dir, 'data'), { recursive: true });
      const propertiesFile = join(dir, 'server.properties');
      await writeFile(
        propertiesFile,
        nodeProperties({
          nodeId: id,
          dataDir: join(dir, 'data'),
          ports: ports[i]!,
          voters,
          replication: count,
          authorizer: opts.authorizer ?? false,
          tls: certificates
            ? { keystore: certificates.brokerKeystore, truststore: certificates.brokerTruststore }
            : null,
        }),
      );
      await writeFile(join(dir, 'log4j2.properties'), LOG4J2_PROPERTIES);
      const scram = (opts.scramUsers ?? []).flatMap((user) => [
        '--add-scram',
        `SCRAM-SHA-512=[name=${user.name},password=${user.password}]`,
      ]);
      await runJava(classpath, [
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        propertiesFile,
        ...scram,
      ]);
      nodes.push({
        id,
        dir,
        propertiesFile,
        ports: ports[i]!,
        child: null,
        tail: new OutputTail(),
        watchdog: new Watchdog('', 'KILL'),
      });
    }
    for (const node of nodes) spawnNode(node);
    const deadline = Date.now() + START_TIMEOUT_MS;
    const brokers = nodes.map((n) => `127.0.0.1:${n.ports.plaintext}`);
    await Promise.all(nodes.map((node, i) => waitForBroker(brokers[i]!, count, node, deadline)));

    const nodeById = (brokerId: number): NodeProcess[] => {
      assertInteger('brokerId', brokerId, -1);
      if (brokerId === -1) return nodes;
      const node = nodes[brokerId - 1];
      if (!node) throw new RangeError(`no Kafka node ${brokerId} (the cluster has ${count})`);
      return [node];
    };
    const admin = (): ReturnType<Kafka['admin']> => quiet(brokers).admin();

    const cluster: ApacheKafkaCluster = {
      kind: 'apache-kafka',
      bootstrap: brokers.join(','),
      brokers,
      saslBrokers: nodes.flatMap((n) => (n.ports.sasl ? [`127.0.0.1:${n.ports.sasl}`] : [])),
      sslBrokers: nodes.flatMap((n) => (n.ports.ssl ? [`127.0.0.1:${n.ports.ssl}`] : [])),
      certificates,
      pid: nodes[0]!.child?.pid ?? 0,
      brokerPid: (brokerId) => nodeById(brokerId)[0]!.child?.pid ?? null,
      createTopic: async (name, partitions, replicationFactor = 1, config = {}) => {
        if (!TOPIC_NAME.test(name)) throw new RangeError(`invalid topic name "${name}"`);
        assertInteger('partitions', partitions, 1);
        assertInteger('replicationFactor', replicationFactor, 1);
        const client = admin();
        await client.connect();
        try {
          await client.createTopics({
            // kafkajs's own wait gives up on the UNKNOWN_TOPIC_OR_PARTITION a
            // broker answers until the new topic's metadata reaches it; the
            // loop below waits for every partition's leader instead.
            waitForLeaders: false,
            topics: [
              {
                topic: name,
                numPartitions: partitions,
                replicationFactor,
                configEntries: Object.entries(config).map(([key, value]) => ({
                  name: key,
                  value,
                })),
              },
            ],
          });
          await waitForLeaders(client, name, partitions);
        } finally {
          await client.disconnect();
        }
      },
      brokerDown: async (brokerId) => {
        await Promise.all(nodeById(brokerId).map(killNode));
      },
      brokerUp: async (brokerId) => {
        const targets = nodeById(brokerId).filter((n) => !n.child || hasExited(n.child));
        for (const node of targets) spawnNode(node);
        const until = Date.now() + START_TIMEOUT_MS;
        await Promise.all(
          targets.map((node) => waitForBroker(`127.0.0.1:${node.ports.plaintext}`, 1, node, until)),
        );
      },
      partitionLeaders: async (topic) => {
        const client = admin();
        await client.connect();
        try {
          const metadata = await client.fetchTopicMetadata({ topics: [topic] });
          const leaders = new Map<number, number>();
          for (const p of metadata.topics[0]?.partitions ?? [])
            leaders.set(p.partitionId, p.leader);
          return leaders;
        } finally {
          await client.disconnect();
        }
      },
      admin,
      stop,
    };
    for (const topic of opts.topics ?? []) {
      await cluster.createTopic(
        topic.name,
        topic.partitions,
        topic.replicationFactor,
        topic.config,
      );
    }
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}
