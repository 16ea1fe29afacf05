import { defineConfig } from '@playwright/test';

// End-to-end tests drive Debian's Chromium against browser mode (npm run serve).
// Each test file starts its own core and servers; see test/e2e/support.
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    headless: true,
    trace: 'retain-on-failure',
  },
});
