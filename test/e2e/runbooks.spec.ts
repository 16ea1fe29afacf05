import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { launchChromium } from './support/chromium';
import { startCore, type RunningCore } from './support/core';

const DEFAULTS_DIR = resolve(import.meta.dirname, '..', '..', 'resources', 'runbooks');

interface DefaultRunbook {
  title: string;
  tags: string[];
  /** Title and body, what the list's text filter searches. */
  text: string;
}

/** The runbooks shipped in resources/runbooks, read from their files. */
function defaultRunbooks(): DefaultRunbook[] {
  return readdirSync(DEFAULTS_DIR)
    .filter((name) => name.endsWith('.md'))
    .map((name) => {
      const [, head, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(
        readFileSync(join(DEFAULTS_DIR, name), 'utf8'),
      ) ?? [undefined, '', ''];
      const field = (key: string): unknown => {
        const line = head!.split('\n').find((entry) => entry.startsWith(`${key}:`));
        if (!line) throw new Error(`${name} has no ${key} in its front matter`);
        return JSON.parse(line.slice(key.length + 1).trim());
      };
      const title = field('title') as string;
      return { title, tags: field('tags') as string[], text: `${title}\n${body}` };
    });
}

let browser: Browser | undefined;
let core: RunningCore | undefined;
let dataDir: string | undefined;
let exportDir: string | undefined;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-runbooks-'));
  exportDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-runbook-export-'));
  core = await startCore(dataDir);
  browser = await launchChromium();
});

test.afterAll(async () => {
  await browser?.close();
  const code = await core?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (exportDir) await rm(exportDir, { recursive: true, force: true });
  expect(code, core?.output()).toBe(0);
});

/** One page at a time: what it reports is checked by the test that opened it. */
async function openRunbooks(): Promise<Page> {
  dialogs.length = 0;
  pageErrors.length = 0;
  consoleErrors.length = 0;
  const page = await browser!.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(`${core!.url}#/runbooks`);
  await expect(page.getByRole('heading', { name: 'Runbooks', level: 1 })).toBeVisible();
  return page;
}

function listItem(page: Page, title: string) {
  return page.getByTestId('runbook-items').getByRole('link').filter({ hasText: title });
}

test('the default runbooks are listed and filter by text and tag', async () => {
  const page = await openRunbooks();
  const defaults = defaultRunbooks();
  const titles = defaults.map((runbook) => runbook.title);
  expect(titles.length).toBeGreaterThanOrEqual(7);
  const items = page.getByTestId('runbook-items').getByRole('link');
  await expect(items).toHaveCount(titles.length);
  for (const title of titles) await expect(listItem(page, title)).toHaveCount(1);

  const withPoison = defaults.filter((r) => r.text.toLowerCase().includes('poison'));
  expect(withPoison.length).toBeLessThan(titles.length);
  await page.getByTestId('runbook-filter-text').fill('poison');
  await expect(items).toHaveCount(withPoison.length);
  for (const runbook of withPoison) await expect(listItem(page, runbook.title)).toHaveCount(1);
  await page.getByTestId('runbook-filter-text').fill('');
  await expect(items).toHaveCount(titles.length);

  const kafkaTagged = defaults.filter((r) => r.tags.includes('kafka'));
  expect(kafkaTagged.length).toBeGreaterThan(0);
  expect(kafkaTagged.length).toBeLessThan(titles.length);
  await page.getByTestId('runbook-filter-tag').selectOption('kafka');
  await expect(items).toHaveCount(kafkaTagged.length);
  for (const runbook of kafkaTagged) await expect(listItem(page, runbook.title)).toHaveCount(1);

  await listItem(page, 'Poison documents in the sync DLQ').click();
  await expect(page.getByTestId('runbook-heading')).toHaveText('Poison documents in the sync DLQ');
  // Rendered markdown: the body's "## Fix" is a heading, not "##" text.
  await expect(
    page.getByTestId('runbook-body').getByRole('heading', { name: 'Fix', exact: true }),
  ).toBeVisible();
  await page.close();
});

test('editing a runbook saves version 2; the history diffs version 1 against 2', async () => {
  const page = await openRunbooks();
  await listItem(page, 'Poison documents in the sync DLQ').click();
  await expect(page.getByTestId('runbook-meta')).toContainText('Version 1');

  await page.getByTestId('runbook-tab-edit').click();
  const body = page.getByTestId('runbook-body-input');
  const original = await body.inputValue();
  const oldLine = original.split('\n').find((line) => line.startsWith('2. Look at the row'));
  expect(oldLine, 'the default poison-documents runbook has a step 2').toBeTruthy();
  const newLine = '2. Query the row by id and compare it with the index mapping (checked twice).';
  await body.fill(original.replace(oldLine!, newLine));
  // The preview follows the text as it is typed.
  await expect(page.getByTestId('runbook-preview')).toContainText('(checked twice)');
  await page.getByTestId('runbook-save').click();

  await expect(page.getByTestId('runbook-view')).toBeVisible();
  await expect(page.getByTestId('runbook-meta')).toContainText('Version 2');
  await expect(page.getByTestId('runbook-body')).toContainText('(checked twice)');

  await page.getByTestId('runbook-tab-history').click();
  await expect(page.getByTestId('runbook-version-2')).toBeVisible();
  await expect(page.getByTestId('runbook-version-1')).toBeVisible();
  await page.getByTestId('diff-from-1').check();
  await page.getByTestId('diff-to-2').check();
  await expect(page.getByTestId('runbook-diff-title')).toHaveText(
    'Changes from version 1 to version 2',
  );
  const diff = page.getByTestId('runbook-diff-body');
  const removed = diff.locator('[data-kind="removed"]');
  const added = diff.locator('[data-kind="added"]');
  await expect(removed).toHaveCount(1);
  await expect(added).toHaveCount(1);
  await expect(removed.locator('.line-diff-text')).toHaveText(oldLine!);
  await expect(added.locator('.line-diff-text')).toHaveText(newLine);
  await expect(page.getByTestId('runbook-diff-body-stats')).toHaveText('1 line added, 1 removed');
  // Only the body changed: no properties diff.
  await expect(page.getByTestId('runbook-diff-properties')).toHaveCount(0);

  // Swapping the sides swaps the markers.
  await page.getByTestId('diff-from-2').check();
  await page.getByTestId('diff-to-1').check();
  await expect(removed.locator('.line-diff-text')).toHaveText(newLine);
  await expect(added.locator('.line-diff-text')).toHaveText(oldLine!);
  await page.close();
});

test('an invalid reason pattern shows the core’s INVALID_INPUT issue on the field', async () => {
  const page = await openRunbooks();
  await listItem(page, 'Dead letters growing').click();
  await page.getByTestId('runbook-tab-edit').click();
  await page.getByTestId('runbook-reason-pattern').fill('(unclosed');
  await expect(page.getByTestId('runbook-pattern-problem')).toBeVisible();
  await page.getByTestId('runbook-save').click();
  await expect(page.getByTestId('runbook-error-reasonPattern')).toHaveText(
    'not a valid regular expression',
  );
  await expect(page.getByTestId('runbook-editor')).toBeVisible();
  await page.getByTestId('runbook-tab-history').click();
  // Nothing was saved.
  await expect(page.getByTestId('runbook-version-2')).toHaveCount(0);
  await page.close();
});

test('markup in a runbook is shown as text and runs nothing', async () => {
  const page = await openRunbooks();
  const script = '<script>alert(1)</script>';
  const img = '<img src=x onerror=alert(1)>';
  const title = 'Hostile markup <b>bold</b>';
  await page.getByTestId('runbook-new').click();
  await page.getByTestId('runbook-title').fill(title);
  await page.getByTestId('runbook-error-classes').fill('HostileMarkupError');
  await page
    .getByTestId('runbook-body-input')
    .fill(`# Markup\n\n${script}\n\nInline ${img} here.\n\n[click](javascript:alert(1))\n`);
  // The live preview already shows the markup as text.
  await expect(page.getByTestId('runbook-preview')).toContainText(script);
  await expect(page.getByTestId('runbook-preview')).toContainText(img);
  await page.getByTestId('runbook-save').click();

  await expect(page.getByTestId('runbook-heading')).toHaveText(title);
  const rendered = page.getByTestId('runbook-body');
  await expect(rendered).toContainText(script);
  await expect(rendered).toContainText(img);
  await expect(rendered.locator('script, img, iframe, object, embed')).toHaveCount(0);
  // A javascript: link is shown as its text, without an href.
  await expect(rendered.getByText('click')).toBeVisible();
  await expect(rendered.locator('a')).toHaveCount(0);
  await expect(page.locator('img')).toHaveCount(0);

  // The same runbook beside a matching dead letter: still text.
  await page.getByTestId('runbook-tester-toggle').click();
  await page.getByTestId('match-test-errorClass').fill('HostileMarkupError');
  const match = page.getByTestId('runbook-match-tester').getByTestId('matching-runbooks');
  await expect(match).toContainText(title);
  await expect(match).toContainText(script);
  await expect(match.locator('script, img')).toHaveCount(0);

  // Give an onerror handler every chance to have fired.
  await page.waitForTimeout(500);
  expect(dialogs).toEqual([]);
  expect(pageErrors).toEqual([]);
  expect(consoleErrors).toEqual([]);
  await page.close();
});

test('matching runbooks for a dead letter, best first', async () => {
  const page = await openRunbooks();
  await page.getByTestId('runbook-tester-toggle').click();
  const tester = page.getByTestId('runbook-match-tester');
  await page.getByTestId('match-test-errorClass').fill('PoisonDocumentError');
  const first = tester.locator('details.matching-runbook').first();
  await expect(first).toContainText('Poison documents in the sync DLQ');
  // The best match is open with its body rendered.
  await expect(first).toHaveAttribute('open', '');
  await expect(first.getByRole('heading', { name: 'Fix', exact: true })).toBeVisible();

  await page.getByTestId('match-test-errorClass').fill('NoSuchErrorAnywhere');
  await expect(tester.getByTestId('matching-runbooks-none')).toBeVisible();
  await page.close();
});

test('export to a folder, import it back, remove a runbook with confirmation', async () => {
  const page = await openRunbooks();
  const count = await page.getByTestId('runbook-items').getByRole('link').count();
  await page.getByTestId('runbook-transfer-toggle').click();
  await page.getByTestId('runbook-export-dir').fill(exportDir!);
  await page.getByTestId('runbook-export').click();
  await expect(page.getByTestId('runbook-export-result')).toHaveText(
    `Wrote ${count} files to ${exportDir}`,
  );
  const files = readdirSync(exportDir!).filter((name) => name.endsWith('.md'));
  expect(files).toHaveLength(count);

  await page.getByTestId('runbook-import-dir').fill(exportDir!);
  await page.getByTestId('runbook-import').click();
  await expect(page.getByTestId('runbook-import-result')).toHaveText(
    `From ${exportDir}: 0 created, 0 updated, ${count} unchanged`,
  );

  const missing = join(exportDir!, 'does-not-exist');
  expect(existsSync(missing)).toBe(false);
  await page.getByTestId('runbook-import-dir').fill(missing);
  await page.getByTestId('runbook-import').click();
  await expect(page.getByTestId('runbook-transfer').getByRole('alert')).toContainText('NOT_FOUND');

  await listItem(page, 'Sync consumer lagging').click();
  await page.getByTestId('runbook-remove').click();
  const dialog = page.getByTestId('remove-runbook-dialog');
  await expect(dialog).toBeVisible();
  // Cancelling keeps it.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(listItem(page, 'Sync consumer lagging')).toHaveCount(1);
  await page.getByTestId('runbook-remove').click();
  await page.getByTestId('remove-runbook-dialog-confirm').click();
  await expect(listItem(page, 'Sync consumer lagging')).toHaveCount(0);
  await expect(page.getByTestId('runbook-items').getByRole('link')).toHaveCount(count - 1);
  await expect(page.getByText('Pick a runbook')).toBeVisible();
  await page.close();
  expect(pageErrors).toEqual([]);
});
