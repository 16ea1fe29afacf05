import type { SecretStorageStatus } from '@shared/contract';
import type { Logger } from '@shared/log/logger';

/**
 * Where secrets live. Electron: safeStorage-encrypted blobs; browser mode: a
 * file readable only by the user. Refs look like "env:<id>:redis".
 */
export interface SecretStore {
  status(): SecretStorageStatus;
  get(ref: string): Promise<string | null>;
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<void>;
  /** Refs that start with prefix, for removing an environment's secrets. */
  list(prefix: string): Promise<string[]>;
}

export interface OperatorIdentity {
  osUser: string;
  hostName: string;
}

/**
 * Everything that differs between the Electron shell and browser mode. The
 * core receives one Host and never asks which one it got.
 */
export interface Host {
  readonly mode: 'electron' | 'browser';
  /** The user data directory: SQLite store, secrets file, logs. */
  readonly dataDir: string;
  readonly appVersion: string;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  operator(): OperatorIdentity;
  /** A desktop notification (Electron) or a toast pushed to the page (browser mode). */
  notify(title: string, body: string): void;
  /**
   * Asks the operator where to save a file (Electron's save dialog); null when
   * they cancel. Absent in browser mode: files go to <dataDir>/exports and the
   * page downloads them through the bridge.
   */
  chooseSavePath?(suggestedName: string): Promise<string | null>;
}
