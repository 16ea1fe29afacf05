import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { launchChromium } from './support/chromium';
import { startCore, type RunningCore } from './support/core';

const ENV_NAME = `audit-env-${randomBytes(3).toString('hex')}`;
const ENV_RENAMED = `${ENV_NAME}-renamed`;
const RUNBOOK = 'Poison documents in the sync DLQ';

let browser: Browser | undefined;
let core: RunningCore | undefined;
let dataDir: string | undefined;
const pageErrors: string[] = [];

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-audit-'));
  core = await startCore(dataDir);
  browser = await launchChromium();
});

test.afterAll(async () => {
  await browser?.close();
  const code = await core?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  expect(code, core?.output()).toBe(0);
});

async function openPage(hash: string): Promise<Page> {
  const page = await browser!.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${core!.url}${hash}`);
  return page;
}

async function saveEnvironment(page: Page): Promise<void> {
  await page.goto(`${core!.url}#/settings`);
  await page.getByTestId('env-add').click();
  await page.getByTestId('env-name').fill(ENV_NAME);
  await page.getByTestId('env-save').click();
  await expect(page.getByTestId('env-form')).toHaveCount(0);
  // Edit it: a rename and read-only, so the record has a before and an after.
  const item = page.getByTestId('settings-env-list').locator('li').filter({ hasText: ENV_NAME });
  await item.getByRole('button', { name: 'Edit' }).click();
  await page.getByTestId('env-name').fill(ENV_RENAMED);
  await page.getByTestId('env-readonly').check();
  await page.getByTestId('env-save').click();
  await expect(page.getByTestId('env-form')).toHaveCount(0);
}

async function saveRunbook(page: Page): Promise<void> {
  await page.goto(`${core!.url}#/runbooks`);
  await page.getByTestId('runbook-items').getByRole('link').filter({ hasText: RUNBOOK }).click();
  await page.getByTestId('runbook-tab-edit').click();
  const body = page.getByTestId('runbook-body-input');
  await body.fill(`${await body.inputValue()}\nChecked during the audit test.\n`);
  await page.getByTestId('runbook-save').click();
  await expect(page.getByTestId('runbook-meta')).toContainText('Version 2');
  // A refused save: the reason pattern does not compile. Failures are on record too.
  await page.getByTestId('runbook-tab-edit').click();
  await page.getByTestId('runbook-reason-pattern').fill('([');
  await page.getByTestId('runbook-save').click();
  await expect(page.getByTestId('runbook-error-reasonPattern')).toBeVisible();
}

function rows(page: Page) {
  return page.getByTestId('audit-list').locator('[data-testid^="audit-row-"]');
}

test('actions are on record: the list, filters, before/after, verification and export', async () => {
  const page = await openPage('#/overview');
  await saveEnvironment(page);
  await saveRunbook(page);

  await page.goto(`${core!.url}#/audit`);
  await expect(page.getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible();
  const environmentRows = rows(page).and(page.locator('[data-action="environments.save"]'));
  const runbookRows = rows(page).and(page.locator('[data-action="runbooks.save"]'));
  await expect(environmentRows).toHaveCount(2);
  await expect(runbookRows).toHaveCount(2);
  const total = await rows(page).count();
  await expect(page.getByTestId('audit-head-seq')).toHaveText(`#${total}`);

  // Newest first: the failed runbook save is the top row.
  const top = rows(page).first();
  await expect(top).toHaveAttribute('data-action', 'runbooks.save');
  await expect(top).toContainText('failed · INVALID_INPUT');

  // Filters: by result, by action, by target text.
  await page.getByTestId('audit-filter-result').selectOption('failed');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-action', 'runbooks.save');
  await page.getByTestId('audit-filter-clear').click();
  await page.getByTestId('audit-filter-action').selectOption('environments.save');
  await expect(rows(page)).toHaveCount(2);
  await page.getByTestId('audit-filter-clear').click();
  await page.getByTestId('audit-filter-target').fill(ENV_RENAMED);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-action', 'environments.save');

  // The rename, opened: before/after as a line diff.
  await rows(page).first().click();
  const detail = page.getByTestId('audit-detail');
  await expect(detail.getByTestId('audit-detail-result')).toContainText('ok');
  const diff = detail.getByTestId('audit-diff');
  await expect(
    diff.locator('[data-kind="removed"]').filter({ hasText: `"name": "${ENV_NAME}"` }),
  ).toHaveCount(1);
  await expect(
    diff.locator('[data-kind="added"]').filter({ hasText: `"name": "${ENV_RENAMED}"` }),
  ).toHaveCount(1);
  await expect(
    diff.locator('[data-kind="removed"]').filter({ hasText: '"readOnly": false' }),
  ).toHaveCount(1);
  await expect(
    diff.locator('[data-kind="added"]').filter({ hasText: '"readOnly": true' }),
  ).toHaveCount(1);

  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('audit-verify-result')).toHaveText(
    new RegExp(`^Chain intact: ${total} records verified up to #${total} in \\d+ ms\\.$`),
  );

  // Export what the filter selects: the file is written by the core and named,
  // and browser mode hands it to the browser as a download.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('audit-export-csv').click();
  const result = page.getByTestId('audit-export-result');
  await expect(result).toContainText('Wrote 1 record as CSV');
  const path = (await page.getByTestId('audit-export-path').textContent()) ?? '';
  expect(path.startsWith(join(dataDir!, 'exports'))).toBe(true);
  expect(existsSync(path)).toBe(true);
  expect(statSync(path).size).toBeGreaterThan(0);
  const csv = readFileSync(path, 'utf8');
  expect(csv).toContain(ENV_RENAMED);
  expect(csv).toContain('environments.save');
  expect(csv).not.toContain('runbooks.save');
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(basename(path));
  expect(readFileSync((await download.path())!, 'utf8')).toBe(csv);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('records appended while the list is open are offered, not shuffled in', async () => {
  const page = await openPage('#/audit');
  await expect(rows(page).first()).toBeVisible();
  const before = await rows(page).count();
  const headBefore = await page.getByTestId('audit-head-seq').textContent();

  // Another window acts meanwhile.
  const other = await openPage('#/runbooks');
  await saveRunbookAgain(other);
  await other.close();

  await expect(page.getByTestId('audit-appended')).toContainText('1 record appended');
  await expect(rows(page)).toHaveCount(before);
  await page.getByTestId('audit-show-newest').click();
  await expect(rows(page)).toHaveCount(before + 1);
  await expect(rows(page).first()).toHaveAttribute('data-action', 'runbooks.save');
  await expect(page.getByTestId('audit-head-seq')).not.toHaveText(headBefore ?? '');
  expect(pageErrors).toEqual([]);
  await page.close();
});

/**
 * Rewrites one record's operator behind Sluice's back with the sqlite3 tool,
 * the way someone with the file would: drop the append-only trigger, update,
 * put the trigger back.
 */
function tamperWithRecord(seq: number): void {
  if (!existsSync('/usr/bin/sqlite3')) {
    throw new Error('/usr/bin/sqlite3 is missing: install the Debian package "sqlite3"');
  }
  const trigger = execFileSync(
    '/usr/bin/sqlite3',
    [
      join(dataDir!, 'sluice.db'),
      "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_no_update'",
    ],
    { encoding: 'utf8' },
  ).trim();
  expect(trigger).toContain('CREATE TRIGGER');
  execFileSync('/usr/bin/sqlite3', [
    '-cmd',
    '.timeout 10000',
    join(dataDir!, 'sluice.db'),
    `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET os_user = 'mallory' WHERE seq = ${seq}; ${trigger};`,
  ]);
}

test('a record altered in the file: Verify names its sequence number and shows it', async () => {
  const page = await openPage('#/audit');
  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('audit-verify-result')).toContainText('Chain intact');

  tamperWithRecord(2);
  await page.getByTestId('audit-verify').click();
  const outcome = page.getByTestId('audit-verify-result');
  await expect(outcome).toContainText('Chain broken at #2 (altered)');
  await expect(outcome).toContainText('the 1 record before it verified');
  await page.getByTestId('audit-show-broken').click();
  const detail = page.getByTestId('audit-detail');
  await expect(detail.getByRole('heading', { level: 2 })).toContainText('Record #2');
  await expect(detail.getByTestId('audit-facts')).toContainText('mallory');
  await expect(rows(page).first()).toHaveAttribute('data-testid', 'audit-row-2');
  expect(pageErrors).toEqual([]);
  await page.close();
});

async function saveRunbookAgain(page: Page): Promise<void> {
  await page.getByTestId('runbook-items').getByRole('link').filter({ hasText: RUNBOOK }).click();
  await page.getByTestId('runbook-tab-edit').click();
  const body = page.getByTestId('runbook-body-input');
  await body.fill(`${await body.inputValue()}\nAnd once more.\n`);
  await page.getByTestId('runbook-save').click();
  await expect(page.getByTestId('runbook-meta')).toContainText('Version 3');
}
