import { describe, expect, it, vi } from 'vitest';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { channelNames, ipcEventChannel, ipcInvokeChannel, type WireResult } from '@shared/contract';
import { registerIpc } from '../../../src-main/ipc';
import { silentLogger } from '@shared/log/logger';
import type { Dispatch } from '../../../src-main/core/rpc/dispatcher';
import { EventBus } from '../../../src-main/core/rpc/eventBus';
import { resolveAppPage } from '../../../src-main/shell/appPage';
import { createSenderCheck } from '../../../src-main/shell/senderCheck';
import { FakeWebContents } from './fakes';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** Like Electron's ipcMain: a second handler for the same channel is an error. */
class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  call(channel: string, event: IpcMainInvokeEvent, input: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, input);
  }
}

const INDEX = '/opt/sluice/out/renderer/index.html';
const APP_URL = `file://${INDEX}`;
const page = resolveAppPage({
  devServerUrl: undefined,
  isPackaged: true,
  rendererIndexPath: INDEX,
});

function frame(url: string, parent: unknown = null) {
  return { url, parent };
}
function invokeEvent(senderFrame: unknown): IpcMainInvokeEvent {
  return { senderFrame } as unknown as IpcMainInvokeEvent;
}

function fakeWindow() {
  const webContents = new FakeWebContents();
  let destroyed = false;
  return {
    webContents,
    isDestroyed: () => destroyed,
    destroy: () => {
      destroyed = true;
    },
  };
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const answer: WireResult = { ok: true, value: { name: 'Sluice' } };
  const dispatch = vi.fn<Dispatch>(async () => answer);
  const events = new EventBus(silentLogger);
  const windows = [fakeWindow(), fakeWindow()];
  const dispose = registerIpc({
    ipcMain: ipcMain as unknown as IpcMain,
    dispatch,
    events,
    isTrustedSender: createSenderCheck(page),
    getWindows: () => windows as never,
    logger: silentLogger,
  });
  return { ipcMain, dispatch, events, windows, dispose, answer };
}

const first = channelNames[0] as string;

describe('registerIpc', () => {
  it('registers exactly one handler per contract channel, under the contract-derived name', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(channelNames.map(ipcInvokeChannel).sort());
  });

  it.each(channelNames)('passes a trusted %s call to dispatch with transport ipc', async (name) => {
    const { ipcMain, dispatch, answer } = setup();
    const input = { some: 'input' };
    const result = await ipcMain.call(ipcInvokeChannel(name), invokeEvent(frame(APP_URL)), input);
    expect(result).toEqual(answer);
    expect(dispatch).toHaveBeenCalledWith(name, input, { transport: 'ipc' });
  });

  it.each(channelNames)(
    '%s refuses a foreign sender (null frame or foreign page) without calling dispatch',
    async (name) => {
      const { ipcMain, dispatch } = setup();
      for (const senderFrame of [null, frame('https://evil.example/')]) {
        const result = (await ipcMain.call(
          ipcInvokeChannel(name),
          invokeEvent(senderFrame),
          {},
        )) as WireResult;
        expect(!result.ok && result.error.code).toBe('DENIED');
      }
      expect(dispatch).not.toHaveBeenCalled();
    },
  );

  it.each([
    ['a null senderFrame (navigated away or destroyed)', null],
    ['an undefined senderFrame', undefined],
    ['a frame on a foreign site', frame('https://evil.example/')],
    ['a frame on another local file', frame('file:///tmp/evil.html')],
    ['a lookalike path', frame(`file://${INDEX}.evil.html`)],
    ['a dev-server origin in production', frame('http://localhost:5173/')],
    ['a subframe of the app page', frame(APP_URL, frame(APP_URL))],
    [
      'a disposed frame whose url throws',
      {
        get url(): string {
          throw new Error('Render frame was disposed before WebFrameMain could be accessed');
        },
        parent: null,
      },
    ],
  ])('refuses %s with DENIED without calling dispatch', async (_label, senderFrame) => {
    const { ipcMain, dispatch } = setup();
    const result = (await ipcMain.call(
      ipcInvokeChannel(first),
      invokeEvent(senderFrame),
      {},
    )) as WireResult;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('DENIED');
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('turns a dispatch that throws into INTERNAL data', async () => {
    const { ipcMain, dispatch } = setup();
    dispatch.mockRejectedValueOnce(new Error('postgres://user:secret@host/db is down'));
    const result = (await ipcMain.call(
      ipcInvokeChannel(first),
      invokeEvent(frame(APP_URL)),
      {},
    )) as WireResult;
    expect(!result.ok && result.error.code).toBe('INTERNAL');
    expect(JSON.stringify(result)).not.toContain('secret');
  });

  it('forwards every core event to every live window, payload only', () => {
    const { events, windows } = setup();
    windows[1]?.destroy();
    events.emit('environments.changed', { ids: ['a', 'b'] });
    events.emit('settings.changed', { keys: ['theme'] });
    expect(windows[0]?.webContents.send.mock.calls).toEqual([
      [ipcEventChannel('environments.changed'), { ids: ['a', 'b'] }],
      [ipcEventChannel('settings.changed'), { keys: ['theme'] }],
    ]);
    expect(windows[1]?.webContents.send).not.toHaveBeenCalled();
  });

  it('skips a window whose web contents are gone', () => {
    const { events, windows } = setup();
    const target = windows[0];
    if (!target) throw new Error('no window');
    target.webContents.destroyed = true;
    events.emit('settings.changed', { keys: [] });
    expect(target.webContents.send).not.toHaveBeenCalled();
    expect(windows[1]?.webContents.send).toHaveBeenCalledTimes(1);
  });

  it('dispose removes every handler and stops forwarding', () => {
    const { ipcMain, events, windows, dispose } = setup();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    events.emit('settings.changed', { keys: ['theme'] });
    expect(windows[0]?.webContents.send).not.toHaveBeenCalled();
  });
});

describe('createSenderCheck in development', () => {
  const devPage = resolveAppPage({
    devServerUrl: 'http://127.0.0.1:5173',
    isPackaged: false,
    rendererIndexPath: INDEX,
  });
  const check = createSenderCheck(devPage);

  it('trusts the dev-server origin only', () => {
    expect(check(invokeEvent(frame('http://127.0.0.1:5173/#/environments')))).toBe(true);
    expect(check(invokeEvent(frame('http://127.0.0.1:5174/')))).toBe(false);
    expect(check(invokeEvent(frame('http://localhost:5173/')))).toBe(false);
    expect(check(invokeEvent(frame(APP_URL)))).toBe(false);
  });
});
