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
import { launchChromium } from './support/chromium';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const BULK = 10_000;
const XSS_SCRIPT = `<script>window.__dlXss = 1; alert('xss')</script>`;
const XSS_IMG = `{"id":"xss-img","key":"x","value":{"html":"<img src=x onerror=alert(2)>"}`;

let sandbox: Sandbox | undefined;
let serve: SluiceServe | undefined;
let browser: Browser | undefined;
let dataDir: string | undefined;
let environmentId = '';
const dialogs: string[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  ms = 60_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  sandbox = await startSandbox({ rate: 0, mix: NO_FAILURES, partitions: 3 });
  const { redis, keys } = sandbox;
  // Producers that bypass the API: the worker dead-letters these itself.
  const broken = Array.from(
    { length: 6 },
    (_, i) => `{"id":"bad-${i}","key":"doc-bad-${i}","value":{"title":"Broken ${i}"}`,
  );
  const invalidKeys = Array.from(
    { length: 3 },
    (_, i) => `{"id":"sv-${i}","key":"bad key ${i}","value":{"n":${i}}}`,
  );
  await redis.lpush(keys.queue, ...broken, ...invalidKeys, XSS_SCRIPT, XSS_IMG);
  await until(
    'the worker to dead-letter 11 entries',
    async () => (await redis.llen(keys.dead)) === 11,
  );
  // Writes that failed for a reason that has passed (the database was down): valid payloads.
  for (let i = 0; i < BULK; i += 2000) {
    await redis.lpush(
      keys.dead,
      ...Array.from({ length: 2000 }, (_, k) =>
        JSON.stringify({
          id: `t-${i + k}`,
          payload: {
            id: `t-${i + k}`,
            key: `doc-t-${i + k}`,
            value: { title: `Recovered ${i + k}` },
          },
          error_class: 'DatabaseUnavailable',
          error_message: 'connection refused by 127.0.0.1:5432',
          attempts: 5,
          first_failed_at: '2024-06-01T03:00:00.000Z',
          last_failed_at: '2024-06-01T03:02:00.000Z',
          source_queue: keys.queue,
        }),
      ),
    );
  }
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-deadletters-'));
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

async function openDeadLetters(): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1500, height: 1000 } });
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(`${serve!.url}#/dead-letters`);
  await expect(page.getByRole('heading', { name: 'Dead letters', level: 1 })).toBeVisible();
  return page;
}

async function deadCount(page: Page): Promise<number> {
  const text = await page.getByTestId('dl-count-write queue').innerText();
  return Number(text.replace(/,/g, ''));
}

async function search(page: Page, words: string): Promise<void> {
  await page.getByTestId('dl-filter-text').fill(words);
}

test.describe.configure({ mode: 'serial' });

test('find the entries of one error class, fix one JSON, replay it: its row reaches PostgreSQL and the dead count drops by one', async () => {
  const page = await openDeadLetters();
  await page.getByTestId('dl-add-source').click();
  const form = page.getByTestId('dl-source-form');
  await form.getByTestId('dl-source-name').fill('write queue');
  await expect(form.getByTestId('dl-source-key')).toHaveValue('write_queue:dead');
  await form.getByTestId('dl-source-save').click();
  await expect(form).toBeHidden();

  await expect.poll(() => deadCount(page)).toBe(BULK + 11);
  await expect(page.getByTestId('dl-total')).toContainText(
    `${(BULK + 11).toLocaleString('en')} entries`,
  );

  // One error class: the top-reasons chip filters on it.
  await page.getByTestId('dl-reason-InvalidJson').click();
  await expect(page.getByTestId('dl-total')).toContainText('8 entries');
  await search(page, 'doc-bad-3');
  await expect(page.getByTestId('dl-total')).toContainText('1 entry');
  await page.getByTestId('dl-table-scroll').getByRole('row').first().click();
  const detail = page.getByTestId('dl-detail');
  await expect(detail.getByTestId('dl-detail-class')).toHaveText('InvalidJson');
  // The runbook written for this error class is shown beside the entry.
  await expect(detail.getByTestId('matching-runbooks')).toContainText('Dead letters growing');
  await expect(detail.getByTestId('dl-payload-content')).toHaveText(
    '{"id":"bad-3","key":"doc-bad-3","value":{"title":"Broken 3"}',
  );

  // The editor refuses malformed JSON with line and column.
  await detail.getByTestId('dl-edit').click();
  await expect(detail.getByTestId('dl-editor-syntax')).toContainText(/^Line 1, column \d+: /);
  await expect(detail.getByTestId('dl-editor-save')).toBeDisabled();
  const editor = detail.getByTestId('dl-editor-content');
  await editor.click();
  await page.keyboard.press('Control+A');
  // Typed without indentation: Chromium turns typed leading spaces of a line into no-break spaces.
  await page.keyboard.insertText(
    '{\n"id": "bad-3",\n"key": "doc-bad-3",\n"value": {"title": "Fixed 3",}\n}',
  );
  await expect(detail.getByTestId('dl-editor-syntax')).toContainText('Line 4, column 30:');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(
    '{\n"id": "bad-3",\n"key": "doc-bad-3",\n"value": {"title": "Fixed 3"}\n}',
  );
  await expect(detail.getByText('Valid JSON.')).toBeVisible();
  await detail.getByRole('button', { name: 'Show changes' }).click();
  await expect(detail.getByTestId('dl-editor-diff')).toContainText('Fixed 3');
  await page.screenshot({ path: test.info().outputPath('editor.png'), fullPage: true });
  await detail.getByTestId('dl-editor-save').click();
  await expect(detail.getByTestId('dl-edited-note')).toBeVisible();
  await expect(detail.getByTestId('dl-payload-content')).toContainText('"Fixed 3"');

  await detail.getByTestId('dl-replay-one').click();
  const dialog = page.getByTestId('dl-replay-dialog');
  await expect(dialog.getByTestId('dl-dryrun-count')).toContainText(
    '1 entry would be replayed: 1 to redis:write_queue',
  );
  await page.screenshot({ path: test.info().outputPath('replay-dialog.png'), fullPage: true });
  await dialog.getByTestId('dl-replay-start').click();
  await expect(dialog).toBeHidden();
  await expect
    .poll(async () => {
      const jobs = (await callSluice(serve!, 'deadletters.jobs.list', { environmentId })) as {
        status: string;
      }[];
      return jobs[0]?.status;
    })
    .toBe('COMPLETED');
  await expect(
    page.getByTestId('dl-jobs').locator('[data-status="COMPLETED"]').first(),
  ).toBeVisible();

  const row = await until('doc-bad-3 in PostgreSQL', async () => {
    const result = await sandbox!.pool.query<{ body: { title: string } }>(
      `SELECT body FROM documents WHERE id = 'doc-bad-3'`,
    );
    return result.rows[0];
  });
  expect(row.body).toEqual({ title: 'Fixed 3' });
  await expect.poll(() => deadCount(page), { timeout: 20_000 }).toBe(BULK + 10);
  expect(await sandbox!.redis.llen(sandbox!.keys.dead)).toBe(BULK + 10);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('a bulk replay of 10,000 with a rate limit shows progress and completes', async () => {
  const page = await openDeadLetters();
  await page.getByTestId('dl-reason-DatabaseUnavailable').click();
  await expect(page.getByTestId('dl-total')).toContainText(`${BULK.toLocaleString('en')} entries`);
  await page.getByTestId('dl-replay-all').click();
  const dialog = page.getByTestId('dl-replay-dialog');
  await dialog.getByTestId('dl-replay-rate').fill('2500');
  await expect(dialog.getByTestId('dl-dryrun-count')).toContainText(
    `${BULK.toLocaleString('en')} entries would be replayed: ${BULK.toLocaleString('en')} to redis:write_queue`,
  );
  await dialog.getByTestId('dl-replay-start').click();
  await expect(dialog).toBeHidden();

  const job = page.getByTestId('dl-jobs').getByRole('listitem').first();
  await expect(job.getByTestId('dl-job-status')).toHaveText('RUNNING');
  // Progress while it runs: some moved, not all.
  const seen = await until('a progress count between 0 and 10,000', async () => {
    const text = await job.getByTestId('dl-job-counts').innerText();
    const moved = Number(text.replace(/,/g, '').match(/^(\d+) moved/)?.[1] ?? NaN);
    return moved > 0 && moved < BULK ? text : null;
  });
  expect(seen).toMatch(/limit 2,500\/s/);
  const progress = Number(await job.locator('progress').getAttribute('value'));
  expect(progress).toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('bulk-progress.png'), fullPage: true });
  await expect(job.getByTestId('dl-job-status')).toHaveText('COMPLETED', { timeout: 30_000 });
  await expect(job.getByTestId('dl-job-counts')).toContainText(
    `${BULK.toLocaleString('en')} moved of ${BULK.toLocaleString('en')}`,
  );
  await until(
    'the worker to write the replayed documents',
    async () => {
      const result = await sandbox!.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM documents WHERE id LIKE 'doc-t-%'`,
      );
      return Number(result.rows[0]!.n) === BULK;
    },
    90_000,
  );
  await expect.poll(() => deadCount(page), { timeout: 20_000 }).toBe(10);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('payloads holding <script> or <img onerror> are shown as text and run nothing', async () => {
  dialogs.length = 0;
  consoleErrors.length = 0;
  const page = await openDeadLetters();
  await search(page, 'dlXss');
  await expect(page.getByTestId('dl-total')).toContainText('1 entry');
  await page.getByTestId('dl-table-scroll').getByRole('row').first().click();
  const detail = page.getByTestId('dl-detail');
  await expect(detail.getByTestId('dl-payload-content')).toHaveText(XSS_SCRIPT);
  await detail.getByRole('tab', { name: 'Hex' }).click();
  await expect(detail.getByTestId('dl-payload-content')).toContainText('3c 73 63 72 69 70 74 3e');

  await search(page, '');
  await expect(page.getByTestId('dl-total')).toContainText('10 entries');
  await search(page, 'onerror');
  await expect(page.getByTestId('dl-total')).toContainText('1 entry');
  await page.getByTestId('dl-table-scroll').getByRole('row').first().click();
  await expect(page.getByTestId('dl-detail').getByTestId('dl-payload-content')).toHaveText(XSS_IMG);
  await page.waitForTimeout(1000);

  expect(
    await page.evaluate(() => (globalThis as unknown as { __dlXss?: number }).__dlXss),
  ).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('main script').count()).toBe(0);
  expect(dialogs).toEqual([]);
  expect(pageErrors).toEqual([]);
  expect(consoleErrors).toEqual([]);
  await page.close();
});
