import type { SafeStorage } from 'electron';
import { SluiceError } from '@shared/contract';
import type { SecretCipher } from '../core/secrets';

export type SafeStorageApi = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
>;

/** Which OS facility safeStorage uses; on Linux it depends on the desktop's keyring. */
export function safeStorageBackend(safeStorage: SafeStorageApi, platform: NodeJS.Platform): string {
  if (platform === 'linux') return safeStorage.getSelectedStorageBackend();
  if (platform === 'darwin') return 'keychain';
  if (platform === 'win32') return 'dpapi';
  return 'unknown';
}

/**
 * Secrets at rest go through Electron's safeStorage (Keychain, DPAPI, or a
 * Linux keyring). On Linux without a keyring safeStorage falls back to
 * "basic_text", a fixed key: that is obfuscation, not encryption, so the
 * cipher says encrypted: false and the store asks the operator before saving.
 * Must be created after app 'ready' (the Linux backend is "unknown" before).
 */
export function createSafeStorageCipher(
  safeStorage: SafeStorageApi,
  platform: NodeJS.Platform,
): SecretCipher {
  const backend = safeStorageBackend(safeStorage, platform);
  const available = safeStorage.isEncryptionAvailable();
  const unavailable = (): SluiceError =>
    new SluiceError(
      'UNAVAILABLE',
      `The operating system's secret storage (${backend}) is not available, so passwords cannot be saved or read.`,
    );
  return {
    backend: `electron-safeStorage:${backend}`,
    encrypted: available && backend !== 'basic_text' && backend !== 'unknown',
    encrypt(plain) {
      if (!available) throw unavailable();
      return safeStorage.encryptString(plain);
    },
    decrypt(data) {
      if (!available) throw unavailable();
      return safeStorage.decryptString(data);
    },
  };
}
