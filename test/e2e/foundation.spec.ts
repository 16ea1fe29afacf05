import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { launchChromium } from './support/chromium';
import { startCore, type RunningCore } from './support/core';
import {
  closedPort,
  postgresUrl,
  redisUrlWithPassword,
  startHarness,
  type Harness,
} from './support/harness';
import { containsSecret, readStoreBytes } from './support/storeBytes';

// Distinctive passwords, so finding one in the store's bytes cannot be a coincidence.
const POSTGRES_PASSWORD = `pg-${randomBytes(12).toString('hex')}`;
const REDIS_PASSWORD = `rd-${randomBytes(12).toString('hex')}`;
const ENV_NAME = `harness-${randomBytes(3).toString('hex')}`;
const OK_RESULT = /^OK — .+ — \d+ ms$/;

let harness: Harness | undefined;
let browser: Browser | undefined;
let dataDir: string | undefined;
const cores: RunningCore[] = [];
/** Uncaught errors in any page: a renderer failure, whatever the assertions say. */
const pageErrors: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  harness = await startHarness({ postgres: POSTGRES_PASSWORD, redis: REDIS_PASSWORD });
  browser = await launchChromium();
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-'));
});

test.afterAll(async () => {
  await Promise.allSettled(cores.map((core) => core.stop()));
  await browser?.close();
  await harness?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<RunningCore> {
  const core = await startCore(dataDir!);
  cores.push(core);
  return core;
}

async function openPage(url: string): Promise<Page> {
  const page = await browser!.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  return page;
}

test('an environment with Redis, PostgreSQL and Kafka: connection tests, persistence across a restart, no password in the store', async () => {
  test.setTimeout(240_000);
  const { postgres, redis, kafka } = harness!;
  const redisUrl = redisUrlWithPassword(redis, REDIS_PASSWORD);
  const pgUrl = postgresUrl(postgres, POSTGRES_PASSWORD);

  const core = await start();
  const page = await openPage(core.url);
  await expect(page.getByText('No environments yet — add one in Settings')).toBeVisible();

  // A second page, left on the overview: it must learn about the new environment
  // from the core's event stream alone.
  const watcher = await openPage(`${core.url}#/overview`);
  await expect(watcher.getByText('No environments yet — add one in Settings')).toBeVisible();

  await page.getByTestId('nav-settings').click();
  await page.getByTestId('env-add').click();
  const form = page.getByTestId('env-form');
  await expect(form).toBeVisible();
  await page.getByTestId('env-name').fill(ENV_NAME);
  await page.getByTestId('env-colour').fill('#10b981');
  await page.getByTestId('env-redis-url').fill(redisUrl);
  await page.getByTestId('env-postgres-url').fill(pgUrl);
  await page.getByTestId('env-kafka-brokers').fill(kafka.brokers.join('\n'));

  // All three reachable with the right settings.
  for (const service of ['redis', 'postgres', 'kafka'] as const) {
    await page.getByTestId(`test-${service}`).click();
    await expect(page.getByTestId(`test-result-${service}`)).toHaveText(OK_RESULT);
  }

  // Wrong Redis port: refused.
  await page
    .getByTestId('env-redis-url')
    .fill(redisUrlWithPassword(redis, REDIS_PASSWORD, await closedPort()));
  await page.getByTestId('test-redis').click();
  await expect(page.getByTestId('test-result-redis')).toContainText('connection refused');
  await page.getByTestId('env-redis-url').fill(redisUrl);

  // Wrong PostgreSQL password: authentication failed.
  await page
    .getByTestId('env-postgres-url')
    .fill(postgresUrl(postgres, `${POSTGRES_PASSWORD}-wrong`));
  await page.getByTestId('test-postgres').click();
  await expect(page.getByTestId('test-result-postgres')).toContainText('authentication failed');
  await page.getByTestId('env-postgres-url').fill(pgUrl);

  await page.getByTestId('env-save').click();
  const list = page.getByTestId('settings-env-list');
  await expect(list).toContainText(ENV_NAME);
  await expect(form).toBeHidden();
  await expect(watcher.getByTestId('overview-environments')).toContainText(ENV_NAME);
  await watcher.close();

  const removeButton = list.locator('[data-testid^="env-remove-"]');
  await expect(removeButton).toHaveCount(1);
  const id = (await removeButton.getAttribute('data-testid'))!.slice('env-remove-'.length);

  // Saved passwords come back masked, and testing with the mask uses the stored one.
  await page.getByTestId(`env-edit-${id}`).click();
  await expect(page.getByTestId('env-postgres-url')).toHaveValue(/:\*{8}@/);
  await expect(page.getByTestId('env-postgres-url')).not.toHaveValue(new RegExp(POSTGRES_PASSWORD));
  await page.getByTestId('test-postgres').click();
  await expect(page.getByTestId('test-result-postgres')).toHaveText(OK_RESULT);
  await page.getByTestId('test-kafka').click();
  await expect(page.getByTestId('test-result-kafka')).toHaveText(OK_RESULT);

  // The only broker down: a clear failure, within 10 s.
  await kafka.brokerDown(1);
  try {
    const clicked = Date.now();
    await page.getByTestId('test-kafka').click();
    await expect(page.getByTestId('test-result-kafka')).toHaveText(
      /^Failed: .*(connection refused|timed out)/,
      { timeout: 10_000 },
    );
    expect(Date.now() - clicked).toBeLessThan(10_000);
  } finally {
    await kafka.brokerUp(1);
  }
  await page.close();

  // Restart the core on the same data directory: the environment is still there.
  expect(await core.stop()).toBe(0);
  const restarted = await start();
  const again = await openPage(`${restarted.url}#/settings`);
  await expect(again.getByTestId('settings-env-list')).toContainText(ENV_NAME);
  await again.getByTestId(`env-edit-${id}`).click();
  await again.getByTestId('test-postgres').click();
  await expect(again.getByTestId('test-result-postgres')).toHaveText(OK_RESULT);
  await again.getByTestId('test-redis').click();
  await expect(again.getByTestId('test-result-redis')).toHaveText(OK_RESULT);
  await again.close();

  // The store on disk holds the environment but none of its passwords.
  const store = readStoreBytes(dataDir!);
  expect(
    store.bytes.includes(Buffer.from(ENV_NAME)),
    `${ENV_NAME} in ${store.files.join(', ')}`,
  ).toBe(true);
  expect(containsSecret(store.bytes, POSTGRES_PASSWORD)).toBe(false);
  expect(containsSecret(store.bytes, REDIS_PASSWORD)).toBe(false);
  expect(pageErrors).toEqual([]);
});

test('the shell: field issues from the core, production and read-only marks, remembered environment, command palette, theme, confirmed removal', async () => {
  const ownDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-shell-'));
  const core = await startCore(ownDir);
  cores.push(core);
  try {
    // A page whose event stream is refused at first keeps retrying, then
    // connects and receives events (the watcher below must see prod-eu appear).
    const watcher = await browser!.newPage();
    watcher.on('pageerror', (error) => pageErrors.push(error.message));
    let refusedStreams = 0;
    await watcher.route('**/api/events', async (route) => {
      refusedStreams += 1;
      await route.abort('connectionrefused');
    });
    await watcher.goto(`${core.url}#/overview`);
    await expect(watcher.getByText('No environments yet — add one in Settings')).toBeVisible();
    await expect.poll(() => refusedStreams).toBeGreaterThanOrEqual(2);
    const streamOpened = watcher.waitForResponse(
      (response) => response.url().endsWith('/api/events') && response.status() === 200,
    );
    await watcher.unroute('**/api/events');
    await streamOpened;

    const page = await openPage(`${core.url}#/settings`);
    await page.getByTestId('env-add').click();

    // The core's zod issues land beside the fields they name.
    await page.getByTestId('env-name').fill('prod-eu');
    await page.getByTestId('env-redis-url').fill('http://not-redis.example');
    await page.getByTestId('env-kafka-brokers').fill('127.0.0.1:9092, broker-without-port');
    await page.getByTestId('env-save').click();
    await expect(page.getByTestId('field-error-redisUrl')).toContainText('Redis URL must be a URL');
    await expect(page.getByTestId('field-error-kafkaBrokers')).toContainText(
      'broker 2: a broker is host:port',
    );
    await page.getByTestId('env-redis-url').fill('');
    await page.getByTestId('env-kafka-brokers').fill('');
    await page.getByTestId('env-colour').fill('#dc2626');
    await page.getByTestId('env-production').check();
    await page.getByTestId('env-readonly').check();
    await page.getByTestId('env-save').click();
    await expect(page.getByTestId('env-form')).toBeHidden();
    await expect(watcher.getByTestId('overview-environments')).toContainText('prod-eu');
    await watcher.close();

    await page.getByTestId('env-add').click();
    await page.getByTestId('env-name').fill('staging');
    await page.getByTestId('env-save').click();
    await expect(page.getByTestId('settings-env-list')).toContainText('staging');

    // Production is marked strongly, read-only with a badge.
    const switcher = page.getByTestId('env-switcher');
    const bar = page.getByTestId('env-bar');
    await switcher.selectOption({ label: 'prod-eu (production) (read-only)' });
    await expect(bar).toHaveAttribute('data-production', 'true');
    await expect(bar).toContainText('PRODUCTION');
    await expect(page.locator('.header')).toContainText('read-only');

    // The selection survives a reload.
    await switcher.selectOption({ label: 'staging' });
    await expect(bar).toHaveAttribute('data-production', 'false');
    await page.reload();
    await expect(page.getByTestId('env-switcher').locator('option:checked')).toHaveText('staging');

    // Command palette: navigate, switch environment, change theme, Esc closes.
    const palette = page.getByTestId('command-palette');
    await page.keyboard.press('Control+k');
    await expect(palette).toBeVisible();
    await page.keyboard.type('go to lag');
    await page.keyboard.press('Enter');
    await expect(palette).toBeHidden();
    await expect(page.getByRole('heading', { level: 1, name: 'Lag' })).toBeVisible();
    expect(new URL(page.url()).hash).toBe('#/lag');

    await page.keyboard.press('Control+k');
    await page.keyboard.type('prod-eu');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('env-bar')).toHaveAttribute('data-production', 'true');

    await page.keyboard.press('Control+k');
    await page.keyboard.type('theme');
    await page.keyboard.press('ArrowDown'); // light -> dark
    await page.keyboard.press('Enter');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

    await page.keyboard.press('Control+k');
    await expect(palette).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(palette).toBeHidden();

    // Theme and display name are operator settings kept by the core.
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('settings-theme')).toHaveValue('dark');
    await page.getByTestId('settings-display-name').fill('Alice Operator');
    await page.getByTestId('settings-display-name-save').click();
    await expect(page.getByTestId('settings-display-name-save')).toBeDisabled();
    await page.reload();
    await expect(page.getByTestId('settings-display-name')).toHaveValue('Alice Operator');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

    // Removal asks first; cancelling keeps the environment.
    const list = page.getByTestId('settings-env-list');
    const staging = list.locator('li', { hasText: 'staging' });
    const removeStaging = staging.locator('[data-testid^="env-remove-"]');
    await removeStaging.click();
    await page.getByTestId('remove-env-dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect(list).toContainText('staging');
    await removeStaging.click();
    await page.getByTestId('remove-env-dialog-confirm').click();
    await expect(list).not.toContainText('staging');
    await expect(list).toContainText('prod-eu');
    expect(pageErrors).toEqual([]);
    await page.close();
  } finally {
    await core.stop();
    await rm(ownDir, { recursive: true, force: true });
  }
});
