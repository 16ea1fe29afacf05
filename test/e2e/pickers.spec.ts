/**
 * Topic and group pickers in browser mode, on Apache Kafka: the dead-letter
 * source form offers the cluster's topic with its partitions and records,
 * refuses to save a topic that does not exist, and saves one picked from the
 * list; the monitoring form offers the group and warns about an unknown one;
 * an environment whose brokers are down keeps plain text fields and says why.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { Kafka, logLevel } from 'kafkajs';
import { startKafka, type ApacheKafkaCluster } from '../../sandbox/servers';
import { callSluice, startSluiceServe, type SluiceServe } from '../../sandbox/sluice';
import { launchChromium } from './support/chromium';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const TOPIC = 'orders-dlq';
const GROUP = 'orders-dlq-auditor';
const LIVE = 'orders-live';
const DOWN = 'orders-down';

let cluster: ApacheKafkaCluster | undefined;
let serve: SluiceServe | undefined;
let browser: Browser | undefined;
let dataDir: string | undefined;
let liveId = '';
const pageErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = (await startKafka({
    brokers: 1,
    topics: [{ name: TOPIC, partitions: 3 }],
  })) as ApacheKafkaCluster;
  const kafka = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  // Idempotent: a send retried on a busy machine must not write its records twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    messages: Array.from({ length: 7 }, (_, i) => ({ partition: i % 3, value: `dead ${i}` })),
  });
  await producer.disconnect();
  // A group that read the topic and committed, then stopped.
  const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await new Promise<void>((done) => {
    let seen = 0;
    void consumer.run({
      autoCommitThreshold: 1,
      eachMessage: async () => {
        seen += 1;
        if (seen === 7) done();
      },
    });
  });
  await consumer.disconnect();

  dataDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-pickers-'));
  serve = await startSluiceServe(REPO_ROOT, dataDir);
  liveId = (
    (await callSluice(serve, 'environments.save', {
      environment: { name: LIVE, colour: '#335577', kafka: { brokers: cluster.brokers } },
    })) as { id: string }
  ).id;
  // Nothing listens on port 1: every connection is refused at once.
  await callSluice(serve, 'environments.save', {
    environment: { name: DOWN, colour: '#aa3322', kafka: { brokers: ['127.0.0.1:1'] } },
  });
  browser = await launchChromium();
});

test.afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await cluster?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function openPage(environment: string, hash: string): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${serve!.url}${hash}`);
  await page.getByTestId('env-switcher').selectOption({ label: environment });
  return page;
}

async function openSourceForm(page: Page) {
  await page.getByTestId('dl-add-source').click();
  const form = page.getByTestId('dl-source-form');
  await expect(form).toBeVisible();
  await form.getByTestId('dl-source-name').fill('orders dead letters');
  await form.getByTestId('dl-source-kind').selectOption('kafka');
  return form;
}

test('the dead-letter source form offers the topic with its size and refuses one that does not exist', async () => {
  const page = await openPage(LIVE, '#/dead-letters');
  const form = await openSourceForm(page);
  await expect(form.getByTestId('dl-source-catalog')).toHaveAttribute('data-state', 'ready');
  await expect(form.getByTestId('dl-source-catalog')).toContainText('1 group on the cluster');

  const topic = form.getByTestId('dl-source-topic');
  await topic.click();
  await topic.pressSequentially('orders');
  const options = form.getByTestId('dl-source-topic-options');
  const offered = options.getByRole('option', { name: new RegExp(`^${TOPIC}`) });
  await expect(offered).toBeVisible();
  await expect(offered).toContainText('3 partitions · 7 records');
  await page.screenshot({ path: test.info().outputPath('source-topic-offered.png') });
  // Escape closes the list, not the dialog around it.
  await topic.press('Escape');
  await expect(options).toBeHidden();
  await expect(form).toBeVisible();

  // A name the cluster does not have: said while typing, once nothing matches.
  await topic.fill('orders-dlx');
  const problem = form.getByTestId('dl-source-topic-problem');
  await expect(problem).toHaveText('topic "orders-dlx" does not exist on this cluster');
  await expect(topic).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: test.info().outputPath('source-topic-missing.png') });

  // Saving is refused before anything is sent.
  await form.getByTestId('dl-source-save').click();
  await expect(problem).toBeVisible();
  await expect(form).toBeVisible();
  expect(await callSluice(serve!, 'deadletters.sources.list', { environmentId: liveId })).toEqual(
    [],
  );

  // Picked from the list instead: saved.
  await topic.fill('dlq');
  await options.getByRole('option', { name: new RegExp(`^${TOPIC}`) }).click();
  await expect(topic).toHaveValue(TOPIC);
  await expect(problem).toBeHidden();
  await form.getByTestId('dl-source-save').click();
  await expect(form).toBeHidden();
  const sources = (await callSluice(serve!, 'deadletters.sources.list', {
    environmentId: liveId,
  })) as { settings: { kind: string; topic?: string } }[];
  expect(sources.map((s) => s.settings)).toEqual([
    expect.objectContaining({ kind: 'kafka', topic: TOPIC }),
  ]);
  await page.close();
});

test('the monitoring form offers the group and warns about one the cluster does not know', async () => {
  const page = await openPage(LIVE, '#/lag');
  await page.getByRole('button', { name: 'Set up monitoring' }).first().click();
  const form = page.getByTestId('monitoring-config-form');
  await expect(form.getByTestId('config-kafka-catalog')).toHaveAttribute('data-state', 'ready');
  // A list field: the keyboard picks a name and the field is ready for the next.
  const topics = form.getByTestId('config-topics');
  await topics.click();
  await topics.pressSequentially('dlq');
  await topics.press('ArrowDown');
  await topics.press('Enter');
  await expect(topics).toHaveValue(`${TOPIC}, `);
  await expect(form).toBeVisible();
  await topics.press('Escape');
  await form.getByTestId('config-add-group').click();
  const group = form.getByTestId('config-group-0');
  await group.click();
  await group.pressSequentially('orders');
  const offered = form.getByTestId('config-group-0-options').getByRole('option');
  await expect(offered).toHaveCount(1);
  await expect(offered).toContainText(GROUP);
  await expect(offered).toContainText('consumer');
  await page.screenshot({ path: test.info().outputPath('monitoring-group-offered.png') });

  await group.fill('orders-reindexer');
  await form.getByTestId('config-group-topics-0').click();
  await expect(form.getByTestId('config-group-0-problem')).toHaveText(
    'no group "orders-reindexer" is known to the cluster yet (it appears once it commits offsets)',
  );
  // A warning only: the group field is not marked invalid.
  await expect(group).not.toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: test.info().outputPath('monitoring-group-unknown.png') });
  await page.close();
});

test('brokers that are down leave a plain text field and say why', async () => {
  const page = await openPage(DOWN, '#/dead-letters');
  const form = await openSourceForm(page);
  const status = form.getByTestId('dl-source-catalog');
  await expect(status).toHaveAttribute('data-state', 'error');
  await expect(form.getByTestId('dl-source-catalog-error')).toHaveText(
    `listing the topics and groups of "${DOWN}": connection refused by 127.0.0.1:1`,
  );
  const topic = form.getByTestId('dl-source-topic');
  await expect(topic).not.toHaveAttribute('role', 'combobox');
  await topic.fill('anything-at-all');
  await expect(form.getByTestId('dl-source-topic-problem')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('source-catalog-down.png') });
  await page.close();
  expect(pageErrors).toEqual([]);
});
