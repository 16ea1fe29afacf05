import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SluiceError } from '@shared/contract';
import { recordingLogger } from './fakes';

// Hand-written safeStorage: a reversible byte transform with a marker, so a
// test can tell "went through the cipher" from "stored as typed".
const fake = vi.hoisted(() => {
  const state = { available: true, backend: 'gnome_libsecret', supported: true };
  const shown: { title: string; body: string }[] = [];
  const safeStorage = {
    isEncryptionAvailable: () => state.available,
    getSelectedStorageBackend: () => state.backend,
    encryptString: (plain: string) => {
      if (!state.available) throw new Error('Encryption is not available.');
      return Buffer.concat([Buffer.from('v11'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]);
    },
    decryptString: (data: Buffer) => {
      if (data.subarray(0, 3).toString() !== 'v11') throw new Error('bad ciphertext');
      return Buffer.from(data.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
    },
  };
  class Notification {
    static isSupported(): boolean {
      return state.supported;
    }
    constructor(private readonly options: { title: string; body: string }) {}
    show(): void {
      shown.push({ title: this.options.title, body: this.options.body });
    }
  }
  const saveDialog = {
    answer: { canceled: false, filePath: '/home/op/report.csv' } as {
      canceled: boolean;
      filePath?: string;
    },
    asked: [] as string[],
  };
  const dialog = {
    showSaveDialog: async (...args: unknown[]) => {
      const options = args[args.length - 1] as { defaultPath: string };
      saveDialog.asked.push(options.defaultPath);
      return saveDialog.answer;
    },
  };
  const BrowserWindow = { getFocusedWindow: () => null };
  return { state, shown, safeStorage, Notification, dialog, BrowserWindow, saveDialog };
});

vi.mock('electron', () => ({
  safeStorage: fake.safeStorage,
  Notification: fake.Notification,
  dialog: fake.dialog,
  BrowserWindow: fake.BrowserWindow,
}));

const { createElectronHost, ELECTRON_SECRETS_FILE } =
  await import('../../../src-main/shell/electronHost');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-host-'));
  Object.assign(fake.state, { available: true, backend: 'gnome_libsecret', supported: true });
  fake.shown.length = 0;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function host(platform: NodeJS.Platform = 'linux') {
  const { logger, lines } = recordingLogger();
  return {
    host: createElectronHost({ dataDir: dir, appVersion: '1.2.3', logger, platform }),
    lines,
  };
}

describe('createElectronHost', () => {
  it('describes itself as the Electron host of this data directory', () => {
    const { host: h } = host();
    expect(h.mode).toBe('electron');
    expect(h.dataDir).toBe(dir);
    expect(h.appVersion).toBe('1.2.3');
  });

  it('names the OS user and host as the operator', () => {
    expect(host().host.operator()).toEqual({
      osUser: os.userInfo().username,
      hostName: os.hostname(),
    });
  });

  it('stores secrets through safeStorage: never as typed on disk, read back intact', async () => {
    const { host: h } = host();
    await h.secrets.set('env:1:redis', 'hunter2-password');
    expect(await h.secrets.get('env:1:redis')).toBe('hunter2-password');
    const onDisk = fs.readFileSync(path.join(dir, ELECTRON_SECRETS_FILE), 'utf8');
    expect(onDisk).not.toContain('hunter2');
    expect(onDisk).not.toContain(Buffer.from('hunter2-password').toString('base64'));
    expect(h.secrets.status()).toMatchObject({
      backend: 'electron-safeStorage:gnome_libsecret',
      encrypted: true,
    });
  });

  it('says secrets are not encrypted when Linux falls back to basic_text', () => {
    fake.state.backend = 'basic_text';
    const status = host().host.secrets.status();
    expect(status.backend).toBe('electron-safeStorage:basic_text');
    expect(status.encrypted).toBe(false);
    expect(status.warning).toBeTruthy();
  });

  it.each([
    ['darwin', 'electron-safeStorage:keychain'],
    ['win32', 'electron-safeStorage:dpapi'],
  ] as const)('on %s names the OS store', (platform, backend) => {
    expect(host(platform).host.secrets.status()).toMatchObject({ backend, encrypted: true });
  });

  it('refuses to save a secret with UNAVAILABLE when safeStorage cannot encrypt', async () => {
    fake.state.available = false;
    const { host: h } = host();
    expect(h.secrets.status().encrypted).toBe(false);
    const failure = await h.secrets.set('env:1:redis', 'pw').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SluiceError);
    expect((failure as SluiceError).code).toBe('UNAVAILABLE');
    expect(fs.existsSync(path.join(dir, ELECTRON_SECRETS_FILE))).toBe(false);
  });

  it('shows desktop notifications where the platform has them', () => {
    const { host: h } = host();
    h.notify('Queue backing up', 'write_queue depth 12000');
    expect(fake.shown).toEqual([{ title: 'Queue backing up', body: 'write_queue depth 12000' }]);
  });

  it('logs instead of failing where there is no notification service', () => {
    fake.state.supported = false;
    const { host: h, lines } = host();
    expect(() => h.notify('Lag', 'group sync is STALL')).not.toThrow();
    expect(fake.shown).toEqual([]);
    expect(lines.join('\n')).toContain('no notification service');
  });

  it('asks where to save an export and reports a cancelled dialog as null', async () => {
    const { host: h } = host();
    fake.saveDialog.answer = { canceled: false, filePath: '/home/op/report.csv' };
    expect(await h.chooseSavePath?.('sluice-audit.csv')).toBe('/home/op/report.csv');
    expect(fake.saveDialog.asked.at(-1)).toBe(path.join(os.homedir(), 'sluice-audit.csv'));
    fake.saveDialog.answer = { canceled: true };
    expect(await h.chooseSavePath?.('sluice-audit.csv')).toBeNull();
  });
});
