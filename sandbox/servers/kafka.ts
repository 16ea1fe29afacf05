import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ServerStartError } from './errors';
import { mockBrokerBinary } from './kafka/build';
import {
  OutputTail,
  detachHandles,
  hasExited,
  registerEmergencyKill,
  terminate,
  waitForExit,
} from './lifecycle';

const START_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 10_000;
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * librdkafka's mock cluster: a Kafka-protocol server, not Kafka. It lacks
 * ListGroups, DescribeGroups, offset administration, the idempotent producer
 * and SASL; it stays for faults that real Kafka cannot be made to show on
 * demand (response delays, request errors) and as the sandbox's fallback
 * where Java is missing.
 */
export interface MockKafkaCluster extends KafkaCluster {
  readonly kind: 'mock';
  /** Delays every response of the broker by `ms`. */
  setRtt(brokerId: number, ms: number): Promise<void>;
  /** The next requests with this API key fail with these Kafka error codes, in order. */
  pushRequestErrors(apiKey: number, errorCodes: number[]): Promise<void>;
  stop(): Promise<void>;
}

/** What every test cluster offers, real or mock. */
export interface KafkaCluster {
  readonly kind: 'apache-kafka' | 'mock';
  /** host:port,host:port,... */
  bootstrap: string;
  brokers: string[];
  /** The first broker's pid (the mock's launcher). */
  readonly pid: number;
  createTopic(name: string, partitions: number, replicationFactor?: number): Promise<void>;
  /** Takes broker `id` down (ids start at 1; -1: every broker). */
  brokerDown(brokerId: number): Promise<void>;
  /** Brings it back on the same address. */
  brokerUp(brokerId: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  brokers?: number;
  topics?: { name: string; partitions: number }[];
}

function assertInteger(label: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${label} must be an integer >= ${min}, got ${value}`);
  }
}

/** One command at a time over the launcher's stdin; each answer is "ok" or "error <reason>". */
class LauncherChannel {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly waiting: ((line: string | null) => void)[] = [];
  private readonly early: string[] = [];
  private closed = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly tail: OutputTail,
  ) {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const next = this.waiting.shift();
      if (next) next(line);
      else this.early.push(line);
    });
    child.once('exit', () => {
      this.closed = true;
      for (const next of this.waiting.splice(0)) next(null);
    });
  }

  /** The next line on stdout, or null if the launcher exited or timed out. */
  nextLine(timeoutMs: number): Promise<string | null> {
    const ready = this.early.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(deliver);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(null);
      }, timeoutMs);
      const deliver = (line: string | null): void => {
        clearTimeout(timer);
        resolve(line);
      };
      this.waiting.push(deliver);
    });
  }

  send(command: string): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.closed || hasExited(this.child)) {
        throw new Error(`mock Kafka cluster is not running (command "${command}")`);
      }
      this.child.stdin!.write(`${command}\n`);
      const answer = await this.nextLine(COMMAND_TIMEOUT_MS);
      if (answer === 'ok') return;
      if (answer === null) {
        throw new Error(`mock Kafka cluster gave no answer to "${command}": ${this.tail}`);
      }
      throw new Error(`mock Kafka cluster refused "${command}": ${answer.replace(/^error /, '')}`);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

export async function startMockKafka(opts: StartKafkaOptions = {}): Promise<MockKafkaCluster> {
  const brokerCount = opts.brokers ?? 1;
  assertInteger('brokers', brokerCount, 1);
  const binary = await mockBrokerBinary();
  // Detached from the terminal's signals; the launcher exits by itself when
  // its stdin (held only by this process) closes.
  const child = spawn(binary, [String(brokerCount)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let spawnError: Error | null = null;
  child.on('error', (error) => (spawnError = error));
  child.stdin?.on('error', () => undefined);
  const tail = new OutputTail();
  child.stderr?.on('data', (chunk: Buffer) => tail.append(chunk));
  detachHandles(child);
  const unregister = registerEmergencyKill(() => child.kill('SIGKILL'));
  const channel = new LauncherChannel(child, tail);

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      unregister();
      if (!hasExited(child)) {
        child.stdin?.end('quit\n');
        if (!(await waitForExit(child, 6000))) await terminate(child, 'SIGKILL', 1000);
      }
    })());

  try {
    const bootstrap = await channel.nextLine(START_TIMEOUT_MS);
    if (!bootstrap || !/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/.test(bootstrap)) {
      const reason = spawnError ? String(spawnError) : tail.toString();
      throw new ServerStartError(`mock Kafka cluster did not start: ${bootstrap ?? ''} ${reason}`);
    }
    const cluster: MockKafkaCluster = {
      kind: 'mock',
      bootstrap,
      brokers: bootstrap.split(','),
      pid: child.pid ?? 0,
      createTopic: async (name, partitions, replicationFactor = 1) => {
        if (!TOPIC_NAME.test(name)) throw new RangeError(`invalid topic name "${name}"`);
        assertInteger('partitions', partitions, 1);
        assertInteger('replicationFactor', replicationFactor, 1);
        await channel.send(`topic ${name} ${partitions} ${replicationFactor}`);
      },
      brokerDown: async (brokerId) => {
        assertInteger('brokerId', brokerId, -1);
        await channel.send(`down ${brokerId}`);
      },
      brokerUp: async (brokerId) => {
        assertInteger('brokerId', brokerId, -1);
        await channel.send(`up ${brokerId}`);
      },
      setRtt: async (brokerId, ms) => {
        assertInteger('brokerId', brokerId, -1);
        assertInteger('ms', ms, 0);
        await channel.send(`rtt ${brokerId} ${ms}`);
      },
      pushRequestErrors: async (apiKey, errorCodes) => {
        assertInteger('apiKey', apiKey, 0);
        if (errorCodes.length === 0) throw new RangeError('no error codes given');
        for (const code of errorCodes) assertInteger('error code', code, -200);
        await channel.send(`errors ${apiKey} ${errorCodes.join(' ')}`);
      },
      stop,
    };
    for (const topic of opts.topics ?? []) {
      await cluster.createTopic(topic.name, topic.partitions);
    }
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}
