import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { SecretStorageStatus } from '@shared/contract';
import type { SecretStore } from '../host';

/**
 * How a secret is turned into bytes at rest. Browser mode keeps it as UTF-8
 * (protected by file permissions only); Electron passes safeStorage.
 */
export interface SecretCipher {
  /** For example "file" or "electron-safeStorage:gnome_libsecret". */
  readonly backend: string;
  /** False when the bytes at rest are not really encrypted (Linux basic_text). */
  readonly encrypted: boolean;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

const plainCipher: SecretCipher = {
  backend: 'file',
  encrypted: false,
  encrypt: (plain) => Buffer.from(plain, 'utf8'),
  decrypt: (data) => data.toString('utf8'),
};

interface SecretFile {
  version: 1;
  secrets: Record<string, string>;
}

/**
 * Secrets in one JSON file (ref -> base64 of the cipher's bytes), mode 0600,
 * replaced atomically on every write so a crash never leaves half a file.
 */
class FileSecretStore implements SecretStore {
  constructor(
    private readonly filePath: string,
    private readonly cipher: SecretCipher,
    private readonly statusInfo: SecretStorageStatus,
  ) {}

  status(): SecretStorageStatus {
    return this.statusInfo;
  }

  private read(): SecretFile {
    if (!existsSync(this.filePath)) return { version: 1, secrets: {} };
    // Tighten permissions if someone loosened them.
    if ((statSync(this.filePath).mode & 0o077) !== 0) chmodSync(this.filePath, 0o600);
    const parsed = JSON.parse(readFileSync(this.filePath, 'utf8')) as Partial<SecretFile>;
    if (parsed.version !== 1 || typeof parsed.secrets !== 'object' || parsed.secrets === null) {
      throw new Error(`secret file ${this.filePath} has an unknown format`);
    }
    return { version: 1, secrets: { ...parsed.secrets } };
  }

  private write(file: SecretFile): void {
    mkdirSync(dirname(this.filePath), { recursive: true, mode: 0o700 });
    const temp = `${this.filePath}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(file), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.filePath);
  }

  async get(ref: string): Promise<string | null> {
    const stored = this.read().secrets[ref];
    return stored === undefined ? null : this.cipher.decrypt(Buffer.from(stored, 'base64'));
  }

  async set(ref: string, value: string): Promise<void> {
    const file = this.read();
    file.secrets[ref] = this.cipher.encrypt(value).toString('base64');
    this.write(file);
  }

  async delete(ref: string): Promise<void> {
    const file = this.read();
    if (!(ref in file.secrets)) return;
    delete file.secrets[ref];
    this.write(file);
  }

  async list(prefix: string): Promise<string[]> {
    return Object.keys(this.read().secrets).filter((ref) => ref.startsWith(prefix));
  }
}

/** Browser mode: a file in the data directory readable only by the user. */
export function createFileSecretStore(filePath: string): SecretStore {
  return new FileSecretStore(filePath, plainCipher, {
    backend: 'file (mode 0600)',
    encrypted: false,
    requiresConsent: false,
    warning: `Secrets are stored in ${filePath}, readable only by your user account, not encrypted.`,
  });
}

/** Electron: the same file, with each secret encrypted by safeStorage. */
export function createEncryptedSecretStore(filePath: string, cipher: SecretCipher): SecretStore {
  const status: SecretStorageStatus = cipher.encrypted
    ? { backend: cipher.backend, encrypted: true, requiresConsent: false }
    : {
        backend: cipher.backend,
        encrypted: false,
        requiresConsent: true,
        warning:
          'No OS keyring is available (Electron safeStorage uses the basic_text backend): saved ' +
          'passwords would only be obfuscated, not encrypted. Confirm to save them anyway.',
      };
  return new FileSecretStore(filePath, cipher, status);
}
