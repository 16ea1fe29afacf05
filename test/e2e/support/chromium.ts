import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';

const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless; Playwright's own browser downloads are not used. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install the Debian package "chromium"`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
