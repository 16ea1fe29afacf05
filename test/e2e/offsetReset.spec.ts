/**
 * The incident an offset reset is for, on Apache Kafka in browser mode: a
 * consumer group stuck on a poison record shows STALL/STOP; the operator
 * sees the member, is refused while it runs, stops it, previews and applies
 * "skip one record" (typing the production environment's name); the group,
 * started again, drains; the audit log holds the reset with before and after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { startKafka, type ApacheKafkaCluster } from '../../sandbox/servers';
import { callSluice, startSluiceServe, type SluiceServe } from '../../sandbox/sluice';
import { launchChromium } from './support/chromium';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const TOPIC = 'orders';
const GROUP = 'order-indexer';
const ENVIRONMENT = 'orders-production';
const POISON = 'not json at all';

let cluster: ApacheKafkaCluster | undefined;
let serve: SluiceServe | undefined;
let browser: Browser | undefined;
let dataDir: string | undefined;
let producer: Producer | undefined;
let feeding: NodeJS.Timeout | undefined;
let environmentId = '';
const consumers: Consumer[] = [];

/**
 * The indexer: parses each record as JSON. Like a listener container whose
 * error handler halts the partition, it stops at a record it cannot parse
 * (without committing it) and stays in the group.
 */
async function startIndexer(): Promise<Consumer> {
  const consumer = new Kafka({
    clientId: 'order-indexer-7',
    brokers: cluster!.brokers,
    logLevel: logLevel.NOTHING,
  }).consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  void consumer.run({
    eachBatchAutoResolve: false,
    autoCommitThreshold: 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat, pause }) => {
      for (const message of batch.messages) {
        try {
          JSON.parse(message.value?.toString('utf8') ?? '');
        } catch {
          pause();
          return;
        }
        resolveOffset(message.offset);
        await heartbeat();
      }
    },
  });
  return consumer;
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = (await startKafka({
    brokers: 1,
    topics: [{ name: TOPIC, partitions: 1 }],
  })) as ApacheKafkaCluster;
  producer = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    messages: [
      ...Array.from({ length: 5 }, (_, i) => ({ value: JSON.stringify({ order: i }) })),
      { value: POISON },
      ...Array.from({ length: 5 }, (_, i) => ({ value: JSON.stringify({ order: 6 + i }) })),
    ],
  });
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-offsets-'));
  serve = await startSluiceServe(REPO_ROOT, dataDir);
  const saved = (await callSluice(serve, 'environments.save', {
    environment: {
      name: ENVIRONMENT,
      colour: '#aa3322',
      production: true,
      kafka: { brokers: cluster.brokers },
    },
  })) as { id: string };
  environmentId = saved.id;
  await callSluice(serve, 'monitoring.config.save', {
    environmentId,
    config: { pollIntervalMs: 1000, windowSize: 3, kafka: { topics: [TOPIC] } },
  });
  browser = await launchChromium();
});

test.afterAll(async () => {
  clearInterval(feeding);
  await Promise.allSettled(consumers.map((c) => c.disconnect()));
  await producer?.disconnect().catch(() => undefined);
  await browser?.close();
  await serve?.stop();
  await cluster?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('skip a poison record: STALL/STOP, refused with the member shown, applied once stopped, drained, audited', async () => {
  test.setTimeout(300_000);
  const indexer = await startIndexer();
  // Orders keep arriving while the indexer is stuck.
  feeding = setInterval(() => {
    void producer!
      .send({ topic: TOPIC, messages: [{ value: JSON.stringify({ order: Date.now() }) }] })
      .catch(() => undefined);
  }, 700);

  const page = await browser!.newPage({ viewport: { width: 1280, height: 1400 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(serve!.url);
  await page.getByTestId('nav-lag').click();
  const row = page.getByTestId(`group-row-${GROUP}`);
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row.getByTestId('group-status')).toHaveText(/STALL|STOP/, { timeout: 60_000 });
  await row.getByRole('button', { name: GROUP }).click();

  const members = page.getByTestId('group-members');
  await expect(members.getByTestId('group-member-table')).toContainText('order-indexer-7');
  await expect(members.getByTestId('group-member-table')).toContainText(`${TOPIC}: 0`);
  await page.screenshot({ path: test.info().outputPath('stuck-group.png'), fullPage: true });

  // While the member is in the group, Kafka would refuse: the preview says so and names it.
  await members.getByTestId('group-reset-open').click();
  const dialog = page.getByTestId('offset-reset-dialog');
  await dialog.getByTestId('offset-reset-preview-button').click();
  await expect(dialog.getByTestId('offset-reset-refusal')).toContainText(
    'has 1 member (order-indexer-7 on 127.0.0.1)',
  );
  await expect(dialog.getByTestId('offset-reset-apply')).toBeDisabled();
  await page.screenshot({ path: test.info().outputPath('reset-refused.png'), fullPage: true });
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // The on-call engineer stops the indexer.
  await indexer.disconnect();
  await expect(members.getByTestId('group-state')).toContainText('Empty', { timeout: 30_000 });

  await members.getByTestId('group-reset-open').click();
  await expect(dialog.getByTestId('offset-reset-kind')).toHaveValue('skip-one');
  await dialog.getByTestId('offset-reset-preview-button').click();
  const preview = dialog.getByTestId('offset-reset-preview');
  await expect(preview).toContainText(`${TOPIC}/0`);
  const cells = preview.locator('tbody tr').first().locator('td');
  await expect(cells.nth(0)).toHaveText('5');
  await expect(cells.nth(1)).toHaveText('6');
  await expect(dialog.getByTestId('offset-reset-apply')).toBeDisabled();
  await dialog.getByTestId('offset-reset-confirm-name').fill(ENVIRONMENT);
  await page.screenshot({ path: test.info().outputPath('reset-preview.png'), fullPage: true });
  await dialog.getByTestId('offset-reset-apply').click();
  await expect(dialog.getByTestId('offset-reset-result')).toHaveText(`Committed: ${TOPIC}/0 5 → 6`);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Started again past the poison record, the indexer catches up.
  clearInterval(feeding);
  await startIndexer();
  await expect(row.getByTestId('group-lag')).toHaveText('0', { timeout: 90_000 });
  await expect(row.getByTestId('group-status')).toHaveText('OK', { timeout: 30_000 });
  await page.screenshot({ path: test.info().outputPath('drained.png'), fullPage: true });

  const audit = (await callSluice(serve!, 'audit.query', {
    filter: { action: 'kafka.offsets.reset', result: 'ok' },
  })) as { records: { seq: number }[] };
  expect(audit.records).toHaveLength(1);
  const record = (await callSluice(serve!, 'audit.get', { seq: audit.records[0]!.seq })) as {
    environmentName: string | null;
    before: unknown;
    after: unknown;
    targets: unknown;
  };
  expect(record).toMatchObject({
    before: {
      offsets: [{ topic: TOPIC, partition: 0, offset: 5 }],
    },
    after: { offsets: [{ topic: TOPIC, partition: 0, offset: 6 }] },
    targets: [{ type: 'kafka-consumer-group', id: GROUP }],
  });
  await page.getByTestId('nav-audit').click();
  const auditRow = page.getByTestId(`audit-row-${audit.records[0]!.seq}`);
  await expect(auditRow).toContainText('kafka.offsets.reset');
  await auditRow.click();
  await page.screenshot({ path: test.info().outputPath('audit.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
});
