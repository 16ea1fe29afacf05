/**
 * The Lag page while a broker of a three-node Apache Kafka cluster is
 * killed (kill -9) and restarted: it says the Kafka source is down and names
 * the broker, then shows fresh, right lag once leadership has moved, and
 * again after the broker is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaOffsetsClient } from '../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import { startKafka, type ApacheKafkaCluster } from '../../sandbox/servers';
import { callSluice, startSluiceServe, type SluiceServe } from '../../sandbox/sluice';
import { launchChromium } from './support/chromium';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const TOPIC = 'payments';
const GROUP = 'payment-indexer';
const PARTITIONS = 3;

let cluster: ApacheKafkaCluster | undefined;
let serve: SluiceServe | undefined;
let browser: Browser | undefined;
let dataDir: string | undefined;

/** Produces through `brokers` (a killed node must not be a seed: kafkajs may pick it first). */
async function produce(perPartition: number, brokers = cluster!.brokers): Promise<void> {
  const producer = new Kafka({
    brokers,
    logLevel: logLevel.NOTHING,
  }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: Array.from({ length: perPartition }, (_, i) => ({ partition, value: `v${i}` })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  cluster = (await startKafka({
    brokers: 3,
    topics: [{ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 }],
  })) as ApacheKafkaCluster;
  await produce(20);
  const committer = new KafkaOffsetsClient(
    {
      brokers: cluster.brokers,
      clientId: 'e2e-commit',
      ssl: false,
      sslRejectUnauthorized: true,
      sasl: null,
    },
    10_000,
  );
  try {
    await committer.watchTopics([TOPIC]);
    await committer.commitOffsets(GROUP, [
      { topic: TOPIC, partitions: [0, 1, 2].map((partition) => ({ partition, offset: 5 })) },
    ]);
  } finally {
    await committer.disconnect();
  }
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-broker-down-'));
  serve = await startSluiceServe(REPO_ROOT, dataDir);
  const saved = (await callSluice(serve, 'environments.save', {
    environment: { name: 'payments', colour: '#225588', kafka: { brokers: cluster.brokers } },
  })) as { id: string };
  await callSluice(serve, 'monitoring.config.save', {
    environmentId: saved.id,
    config: { pollIntervalMs: 1000, timeoutMs: 3000, kafka: { topics: [TOPIC] } },
  });
  browser = await launchChromium();
});

test.afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await cluster?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('a killed broker: the Lag page says Kafka is down naming it, then shows fresh lag, and again once it is back', async () => {
  test.setTimeout(300_000);
  const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(serve!.url);
  await page.getByTestId('nav-lag').click();
  const banner = page.getByTestId('source-kafka');
  const row = page.getByTestId(`group-row-${GROUP}`);
  await expect(banner).toHaveAttribute('data-state', 'up', { timeout: 60_000 });
  await expect(row.getByTestId('group-lag')).toHaveText('45', { timeout: 60_000 });

  // Node 1 is the first configured broker: the one every fresh client tries first.
  const victim = cluster!.brokers[0]!;
  await cluster!.brokerDown(1);
  await expect(banner).toHaveAttribute('data-state', 'down', { timeout: 30_000 });
  await expect(banner).toContainText(victim);
  await page.screenshot({ path: test.info().outputPath('broker-down.png'), fullPage: true });

  // Leadership moves to the other two nodes; records written meanwhile must show.
  const moveDeadline = Date.now() + 60_000;
  const leaders = () => cluster!.partitionLeaders(TOPIC).catch(() => new Map([[-1, 1]]));
  while ([...(await leaders()).values()].includes(1)) {
    if (Date.now() > moveDeadline) throw new Error('node 1 still leads a partition after 60 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await produce(4, cluster!.brokers.slice(1));
  await expect(banner).toHaveAttribute('data-state', 'up', { timeout: 60_000 });
  await expect(row.getByTestId('group-lag')).toHaveText('57', { timeout: 30_000 });
  await page.screenshot({ path: test.info().outputPath('leaders-moved.png'), fullPage: true });

  await cluster!.brokerUp(1);
  await produce(1, cluster!.brokers.slice(1));
  await expect(row.getByTestId('group-lag')).toHaveText('60', { timeout: 60_000 });
  await expect(banner).toHaveAttribute('data-state', 'up');
  expect(pageErrors).toEqual([]);
});
