import os from 'node:os';
import path from 'node:path';
import { BrowserWindow, Notification, dialog, safeStorage } from 'electron';
import type { Host } from '../core/host';
import type { Logger } from '@shared/log/logger';
import { createEncryptedSecretStore } from '../core/secrets';
import { createSafeStorageCipher } from './safeStorageCipher';
import { currentOperator } from '../core/operator';

/** Kept apart from browser mode's plain secrets file: the two formats are not interchangeable. */
export const ELECTRON_SECRETS_FILE = 'secrets-safestorage.json';

export interface ElectronHostOptions {
  /** app.getPath('userData') */
  dataDir: string;
  /** app.getVersion() */
  appVersion: string;
  logger: Logger;
  platform?: NodeJS.Platform;
}

/** The Host for the Electron shell. Call after app 'ready' (safeStorage needs it). */
export function createElectronHost(options: ElectronHostOptions): Host {
  const cipher = createSafeStorageCipher(safeStorage, options.platform ?? process.platform);
  const secrets = createEncryptedSecretStore(
    path.join(options.dataDir, ELECTRON_SECRETS_FILE),
    cipher,
  );
  const { logger } = options;
  logger.info('secret storage', { backend: cipher.backend, encrypted: cipher.encrypted });
  return {
    mode: 'electron',
    dataDir: options.dataDir,
    appVersion: options.appVersion,
    secrets,
    logger,
    operator: currentOperator,
    notify(title, body) {
      if (!Notification.isSupported()) {
        logger.info('notification (no notification service)', { title });
        return;
      }
      try {
        new Notification({ title, body, silent: false }).show();
      } catch (error) {
        logger.warn('could not show a notification', { title, error });
      }
    },
    async chooseSavePath(suggestedName) {
      const options = {
        title: 'Save export',
        defaultPath: path.join(os.homedir(), suggestedName),
        properties: ['createDirectory', 'showOverwriteConfirmation'] as (
          'createDirectory' | 'showOverwriteConfirmation'
        )[],
      };
      const parent = BrowserWindow.getFocusedWindow();
      const result = parent
        ? await dialog.showSaveDialog(parent, options)
        : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
