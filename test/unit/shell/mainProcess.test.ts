import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { channelNames, ipcEventChannel, ipcInvokeChannel, type WireResult } from '@shared/contract';
import { navigationEvent } from './fakes';

/**
 * src-main/index.ts run for real (real core, real SQLite store in a temp
 * userData) against a hand-written electron module: what the app does at
 * start-up, on IPC, on a second launch, on quit, and when its store cannot
 * be opened.
 */
type Handler = (event: IpcMainInvokeEvent, input: unknown) => Promise<unknown>;

const fake = await vi.hoisted(async () => {
  // vi.hoisted runs before the imports above, so it loads what it needs itself.
  const { EventEmitter } = await import('node:events');

  class FakeContents extends EventEmitter {
    url = '';
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    sent: [string, unknown][] = [];
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
      this.windowOpenHandler = handler;
    }
    getURL(): string {
      return this.url;
    }
    isDestroyed(): boolean {
      return false;
    }
    send(channel: string, payload: unknown): void {
      this.sent.push([channel, payload]);
    }
  }

  const state = {
    userData: '',
    lockFree: true,
    calls: [] as string[],
    errorBoxes: [] as { title: string; message: string }[],
    exitCode: undefined as number | undefined,
    menu: undefined as unknown,
    windows: [] as FakeWindow[],
    handlers: new Map<string, Handler>(),
    permissionRequest: undefined as
      | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void)
      | undefined,
  };

  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    setPath(name: string, value: string) {
      state.calls.push(`setPath:${name}`);
      if (name === 'userData') state.userData = value;
    },
    getPath(name: string) {
      if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
      return state.userData;
    },
    enableSandbox() {
      state.calls.push('enableSandbox');
    },
    requestSingleInstanceLock() {
      state.calls.push('requestSingleInstanceLock');
      return state.lockFree;
    },
    whenReady: () => Promise.resolve(),
    getVersion: () => '9.9.9-test',
    getName: () => 'Sluice',
    getAppPath: () => '/nonexistent-app-root',
    quit() {
      state.calls.push('quit');
      // Electron emits will-quit once windows are gone; the fake has none to close.
      const event = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      app.emit('will-quit', event);
      if (!event.defaultPrevented) state.calls.push('exited');
    },
    exit(code: number) {
      state.calls.push(`exit:${code}`);
      state.exitCode = code;
    },
  });

  class FakeWindow extends EventEmitter {
    readonly webContents = new FakeContents();
    loaded: string | undefined;
    calls: string[] = [];
    constructor(readonly options: Record<string, unknown>) {
      super();
      state.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    static getAllWindows(): FakeWindow[] {
      return state.windows;
    }
    loadFile(file: string): Promise<void> {
      this.loaded = file;
      this.webContents.url = pathToFileURL(file).href;
      return Promise.resolve();
    }
    loadURL(url: string): Promise<void> {
      this.loaded = url;
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isMinimized = () => true;
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1360, height: 860 });
    restore = () => this.calls.push('restore');
    show = () => this.calls.push('show');
    focus = () => this.calls.push('focus');
    maximize = () => this.calls.push('maximize');
  }

  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: unknown) => {
        state.menu = menu;
      },
    },
    dialog: {
      showErrorBox: (title: string, message: string) => state.errorBoxes.push({ title, message }),
    },
    ipcMain: {
      handle: (channel: string, handler: Handler) => {
        if (state.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        state.handlers.set(channel, handler);
      },
      removeHandler: (channel: string) => state.handlers.delete(channel),
    },
    screen: {
      getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1050 } }),
      getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1050 } }],
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: typeof state.permissionRequest) => {
          state.permissionRequest = handler;
        },
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
        webRequest: { onHeadersReceived: () => undefined },
      },
    },
    shell: { openExternal: () => Promise.resolve() },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (plain: string) => Buffer.from(plain, 'utf8').reverse(),
      decryptString: (data: Buffer) => Buffer.from(data).reverse().toString('utf8'),
    },
    Notification: class {
      static isSupported = () => false;
      show(): void {}
    },
  };

  const reset = (userData: string): void => {
    Object.assign(state, {
      userData: '',
      lockFree: true,
      calls: [],
      errorBoxes: [],
      exitCode: undefined,
      menu: undefined,
      windows: [],
      permissionRequest: undefined,
    });
    state.handlers.clear();
    app.removeAllListeners();
    process.env.SLUICE_USER_DATA_DIR = userData;
  };

  return { state, electron, reset };
});

vi.mock('electron', () => fake.electron);

let userData: string;
const savedEnv = { ...process.env };

beforeEach(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-main-'));
  delete process.env.ELECTRON_RENDERER_URL;
  fake.reset(userData);
  vi.resetModules();
});

afterEach(async () => {
  // Close whatever the started app opened (its store), as quitting would.
  if (fake.state.handlers.size > 0) fake.electron.app.quit();
  await vi.waitFor(() => expect(fake.state.handlers.size).toBe(0));
  process.env = { ...savedEnv };
  fs.rmSync(userData, { recursive: true, force: true });
});

async function startApp(): Promise<void> {
  await import('../../../src-main/index');
}

function mainWindow() {
  const window = fake.state.windows[0];
  if (!window) throw new Error('no window was created');
  return window;
}

async function started() {
  await startApp();
  await vi.waitFor(() => expect(fake.state.windows).toHaveLength(1), { timeout: 10_000 });
  return mainWindow();
}

function call(channel: string, frameUrl: string | null, input: unknown = {}): Promise<WireResult> {
  const handler = fake.state.handlers.get(ipcInvokeChannel(channel));
  if (!handler) throw new Error(`no handler for ${channel}`);
  const senderFrame = frameUrl === null ? null : { url: frameUrl, parent: null };
  return handler({ senderFrame } as unknown as IpcMainInvokeEvent, input) as Promise<WireResult>;
}

describe('main process', () => {
  it('uses the chosen userData, takes the single-instance lock and forces the sandbox', async () => {
    await started();
    expect(fake.state.userData).toBe(userData);
    expect(fake.state.calls.slice(0, 3)).toEqual([
      'setPath:userData',
      'enableSandbox',
      'requestSingleInstanceLock',
    ]);
    expect(fake.state.menu).toBeDefined();
  });

  it('opens one hardened window on the built page and answers app.info over IPC', async () => {
    const window = await started();
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true });
    expect(
      String(
        window.options.webPreferences &&
          (window.options.webPreferences as { preload: string }).preload,
      ),
    ).toMatch(/preload[/\\]index\.cjs$/);
    expect(window.loaded).toMatch(/renderer[/\\]index\.html$/);
    expect([...fake.state.handlers.keys()].sort()).toEqual(
      channelNames.map(ipcInvokeChannel).sort(),
    );

    const info = await call('app.info', window.webContents.url);
    expect(info).toMatchObject({
      ok: true,
      value: { name: 'Sluice', mode: 'electron', version: '9.9.9-test', dataDir: userData },
    });
    expect(await call('app.info', null)).toMatchObject({ ok: false, error: { code: 'DENIED' } });
    expect(await call('app.info', 'https://evil.example/')).toMatchObject({
      ok: false,
      error: { code: 'DENIED' },
    });
  });

  it('reports secrets as safeStorage-encrypted and forwards core events to the window', async () => {
    const window = await started();
    expect(await call('secrets.status', window.webContents.url)).toMatchObject({
      ok: true,
      value: { backend: 'electron-safeStorage:gnome_libsecret', encrypted: true },
    });
    const updated = await call('settings.update', window.webContents.url, { theme: 'dark' });
    expect(updated.ok).toBe(true);
    expect(window.webContents.sent).toContainEqual([
      ipcEventChannel('settings.changed'),
      { keys: ['theme'] },
    ]);
  });

  it('hardens the window it creates: foreign navigation prevented, permissions denied', async () => {
    const window = await started();
    const away = navigationEvent('https://evil.example/');
    window.webContents.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);
    expect(window.webContents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({
      action: 'deny',
    });
    let granted: boolean | undefined;
    fake.state.permissionRequest?.(window.webContents, 'media', (value) => (granted = value));
    expect(granted).toBe(false);
  });

  it('brings the window forward when a second instance starts', async () => {
    const window = await started();
    fake.electron.app.emit('second-instance', {}, [], '/');
    expect(window.calls).toEqual(['restore', 'show', 'focus']);
  });

  it('quits at once, without a window or a store, when another instance holds the lock', async () => {
    fake.state.lockFree = false;
    await startApp();
    await vi.waitFor(() => expect(fake.state.calls).toContain('quit'));
    expect(fake.state.windows).toHaveLength(0);
    expect(fs.existsSync(path.join(userData, 'sluice.db'))).toBe(false);
  });

  it('closes the core on quit, removes the IPC handlers, then really quits', async () => {
    await started();
    fake.electron.app.quit();
    await vi.waitFor(() => expect(fake.state.calls).toContain('exited'));
    expect(fake.state.handlers.size).toBe(0);
    const log = fs.readFileSync(path.join(userData, 'logs', 'sluice.log'), 'utf8');
    expect(log).toContain('"core ready"');
    expect(log).toContain('"stopped"');
  });

  it('shows the store error and exits without touching a damaged store', async () => {
    const store = path.join(userData, 'sluice.db');
    const damaged = Buffer.from(
      'this is not a SQLite database, and it must stay exactly like this\n'.repeat(200),
    );
    fs.writeFileSync(store, damaged);
    const before = fs.readdirSync(userData).sort();

    await startApp();
    await vi.waitFor(() => expect(fake.state.exitCode).toBe(1), { timeout: 10_000 });

    expect(fake.state.errorBoxes).toHaveLength(1);
    expect(fake.state.errorBoxes[0]?.title).toBe('Sluice cannot open its data');
    expect(fake.state.errorBoxes[0]?.message).toContain(store);
    expect(fs.readFileSync(store).equals(damaged)).toBe(true);
    // Only the log directory is new: no -wal/-shm, no backup, no fresh store.
    expect(fs.readdirSync(userData).sort()).toEqual([...before, 'logs'].sort());
    expect(fake.state.windows).toHaveLength(0);
    expect(fake.state.handlers.size).toBe(0);
  });
});
