import { join } from 'node:path';
import type { Host } from '../core/host';
import type { Logger } from '@shared/log/logger';
import { createFileSecretStore } from '../core/secrets';
import { currentOperator } from '../core/operator';

/**
 * Browser mode's secrets: plain UTF-8 in a 0600 file. A different name from
 * the Electron app's safeStorage file, since the two formats do not mix.
 */
export const BROWSER_SECRETS_FILE = 'secrets.json';

export interface BrowserHostOptions {
  readonly dataDir: string;
  readonly appVersion: string;
  readonly logger: Logger;
}

/** The Host for `npm run serve`: the core runs in this Node process, the UI in a browser. */
export function createBrowserHost(options: BrowserHostOptions): Host {
  const { logger } = options;
  return {
    mode: 'browser',
    dataDir: options.dataDir,
    appVersion: options.appVersion,
    secrets: createFileSecretStore(join(options.dataDir, BROWSER_SECRETS_FILE)),
    logger,
    operator: currentOperator,
    notify(title, body) {
      // No desktop notification service from a headless Node process; the log keeps it.
      logger.info('notification', { title, body });
    },
  };
}
