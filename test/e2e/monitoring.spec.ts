import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { NO_FAILURES } from '../../sandbox/loadgen/payloads';
import { startSandbox, type Sandbox } from '../../sandbox/pipeline';
import {
  callSluice,
  registerEnvironment,
  startSluiceServe,
  type SluiceServe,
} from '../../sandbox/sluice';
import type { MonitoringSnapshot } from '@shared/contract';
import { launchChromium } from './support/chromium';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

let sandbox: Sandbox | undefined;
let serve: SluiceServe | undefined;
let browser: Browser | undefined;
let dataDir: string | undefined;
let environmentId = '';
const pageErrors: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(240_000);
  sandbox = await startSandbox({ rate: 20, mix: NO_FAILURES, partitions: 3 });
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-monitoring-'));
  serve = await startSluiceServe(REPO_ROOT, dataDir);
  environmentId = (await registerEnvironment(serve, sandbox.environment)).id;
  browser = await launchChromium();
});

test.afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await sandbox?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function snapshot(): Promise<MonitoringSnapshot> {
  return (await callSluice(serve!, 'monitoring.snapshot', { environmentId })) as MonitoringSnapshot;
}

/** A number shown in a table cell ("1,234" -> 1234; "—" -> NaN). */
async function cellNumber(
  page: Page,
  testId: string,
  scope = page.locator('body'),
): Promise<number> {
  const text = (await scope.getByTestId(testId).first().innerText()).replace(/,/g, '').trim();
  return Number(text);
}

async function configureThroughTheForm(page: Page): Promise<void> {
  await page.getByTestId('nav-queues').click();
  await page.getByRole('button', { name: 'Set up monitoring' }).first().click();
  const form = page.getByTestId('monitoring-config-form');
  await form.getByTestId('config-poll').fill('1');
  await form.getByLabel('window (samples)').fill('5');
  await form.getByTestId('config-add-queue').click();
  await form.getByTestId('config-queue-0').fill('write_queue');
  await form.getByTestId('config-dlq-0').fill('write_queue:dead');
  await form.getByLabel('counter hash').fill('write_queue:stats');
  await form.getByLabel('in field').fill('queued');
  await form.getByTestId('config-topics').fill('job-es-sync');
  await form.getByTestId('config-add-group').click();
  await form.getByTestId('config-group-0').fill('es-sync');
  await form.getByTestId('config-add-table').click();
  await form.getByTestId('config-table-0').fill('documents');
  await form.getByLabel('synced-at column').fill('es_synced_at');
  await form.getByTestId('config-add-rule-queue-depth').click();
  const depthRule = form.getByTestId('config-rule-0');
  await depthRule.getByLabel('queue (empty: any)').fill('write_queue');
  await depthRule.getByLabel('depth above').fill('60');
  await depthRule.getByLabel('for seconds').fill('2');
  await form.getByTestId('config-add-rule-group-status').click();
  await form.getByTestId('config-add-rule-gap-age').click();
  await form.getByTestId('config-rule-2').getByLabel('oldest age above (s)').fill('15');
  await page.screenshot({ path: test.info().outputPath('config-form.png'), fullPage: true });
  await form.getByTestId('monitoring-config-save').click();
  await expect(form).toBeHidden();
}

test('live monitoring of the sandbox: a paused worker, a paused sync consumer, and Redis going away', async () => {
  test.setTimeout(420_000);
  const page = await browser!.newPage({ viewport: { width: 1280, height: 1600 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(serve!.url);
  await configureThroughTheForm(page);

  // Everything up and flowing.
  await expect(page.getByTestId('source-redis')).toHaveAttribute('data-state', 'up');
  await expect(page.getByTestId('queue-row-write_queue')).toBeVisible();
  await expect(page.getByTestId('chart-queue-depth')).toBeVisible();

  // 1. The worker stops: the queue backs up and the depth alert fires.
  sandbox!.worker!.pause();
  const row = page.getByTestId('queue-row-write_queue');
  await expect
    .poll(() => cellNumber(page, 'queue-depth', row), { timeout: 30_000 })
    .toBeGreaterThan(20);
  const earlier = await cellNumber(page, 'queue-depth', row);
  await expect
    .poll(() => cellNumber(page, 'queue-depth', row), { timeout: 30_000 })
    .toBeGreaterThan(earlier);
  const alert = page.getByTestId('alert').filter({ hasText: 'Queue write_queue is' });
  await expect(alert).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('toast').filter({ hasText: 'Queue write_queue is' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('queues-backing-up.png'), fullPage: true });
  await alert.getByTestId('alert-acknowledge').click();
  await expect(alert).toContainText('acknowledged by');

  // ...and when it resumes, the backlog drains and the alert resolves itself.
  sandbox!.worker!.resume();
  await expect
    .poll(() => cellNumber(page, 'queue-depth', row), { timeout: 60_000 })
    .toBeLessThan(20);
  await expect(alert).toBeHidden({ timeout: 30_000 });

  // 2. The sync consumer falls behind while still committing (throttled below
  // the write rate): lag never decreases across the window, so WARN. Then it
  // stops: STALL or STOP. The gap and its oldest row grow.
  await page.getByTestId('nav-lag').click();
  const groupStatus = page.getByTestId('group-row-es-sync').getByTestId('group-status');
  await expect(groupStatus).toHaveText('OK', { timeout: 30_000 });
  const seen = new Set<string>();
  sandbox!.consumer.throttle(6);
  await expect
    .poll(
      async () => {
        const status = (await groupStatus.innerText()).trim();
        seen.add(status);
        return status;
      },
      { timeout: 90_000, intervals: [500] },
    )
    .toBe('WARN');
  await page.screenshot({ path: test.info().outputPath('lag-warn.png'), fullPage: true });
  sandbox!.consumer.pause();
  sandbox!.consumer.throttle(null);
  await expect
    .poll(
      async () => {
        const status = (await groupStatus.innerText()).trim();
        seen.add(status);
        return status;
      },
      { timeout: 90_000, intervals: [500] },
    )
    .toMatch(/^(STALL|STOP)$/);
  await expect(page.getByTestId('partition-table')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('lag-stopped.png'), fullPage: true });
  await expect(
    page.getByTestId('alert').filter({ hasText: 'Consumer group es-sync is' }).first(),
  ).toBeVisible();

  await page.getByTestId('nav-sync-gaps').click();
  const gapRow = page.getByTestId('gap-row-documents');
  await expect
    .poll(() => cellNumber(page, 'gap-count', gapRow), { timeout: 30_000 })
    .toBeGreaterThan(10);
  const gapBefore = await cellNumber(page, 'gap-count', gapRow);
  await expect
    .poll(() => cellNumber(page, 'gap-count', gapRow), { timeout: 30_000 })
    .toBeGreaterThan(gapBefore);
  await expect(gapRow.getByTestId('gap-age')).toHaveText(/^\d+ (s|min)$/);
  const age = async () => Number((await gapRow.getByTestId('gap-age').innerText()).split(' ')[0]);
  const ageBefore = await age();
  await expect.poll(age, { timeout: 30_000 }).toBeGreaterThan(ageBefore);
  await expect(gapRow.getByTestId('gap-plan')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('sync-gap-growing.png'), fullPage: true });

  // Load stops and the consumer resumes: lag and gap go back to zero, the group to OK.
  await sandbox!.loadgen.stop();
  sandbox!.consumer.resume();
  await expect.poll(() => cellNumber(page, 'gap-count', gapRow), { timeout: 90_000 }).toBe(0);
  await page.getByTestId('nav-lag').click();
  await expect(groupStatus).toHaveText('OK', { timeout: 90_000 });
  await expect
    .poll(() => cellNumber(page, 'group-lag', page.getByTestId('group-row-es-sync')), {
      timeout: 30_000,
    })
    .toBe(0);

  // 3. Redis goes away: the Queues panel says so, with the cause and since when...
  await sandbox!.redisServer.kill();
  await page.getByTestId('nav-queues').click();
  const redisBanner = page.getByTestId('source-redis');
  await expect(redisBanner).toHaveAttribute('data-state', 'down', { timeout: 30_000 });
  await expect(redisBanner).toContainText(
    new RegExp(
      `Redis down since \\d\\d:\\d\\d:\\d\\d .*: connection refused by 127\\.0\\.0\\.1:${sandbox!.redisServer.port}`,
    ),
  );
  await page.screenshot({ path: test.info().outputPath('redis-down.png'), fullPage: true });

  // ...while the Lag page keeps updating.
  await page.getByTestId('nav-lag').click();
  const kafkaBanner = page.getByTestId('source-kafka');
  await expect(kafkaBanner).toHaveAttribute('data-state', 'up');
  const firstText = await kafkaBanner.innerText();
  await expect.poll(() => kafkaBanner.innerText(), { timeout: 10_000 }).not.toBe(firstText);
  const live = await snapshot();
  expect(live.servers.find((s) => s.server === 'kafka')?.state).toBe('up');
  expect(live.servers.find((s) => s.server === 'redis')?.state).toBe('down');

  // The Overview row shows the same.
  await page.getByTestId('nav-overview').click();
  const overviewRow = page.getByTestId(`monitoring-row-${environmentId}`);
  await expect(overviewRow.getByTestId('health-redis')).toHaveAttribute('data-state', 'down');
  await expect(overviewRow.getByTestId('health-kafka')).toHaveAttribute('data-state', 'up');
  await expect(overviewRow.getByTestId('overview-status')).toContainText('OK');
  await page.screenshot({ path: test.info().outputPath('overview.png'), fullPage: true });

  test.info().annotations.push({
    type: 'statuses seen after pausing the sync consumer',
    description: [...seen].join(' → '),
  });
  expect(pageErrors).toEqual([]);
});
