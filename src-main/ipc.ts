/**
 * The thin IPC registration: one ipcMain handler per contract channel, each
 * refusing calls that do not come from the app's own page before the
 * dispatcher (which validates input with zod) sees them, and every core
 * event forwarded to every window.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { channelNames, ipcEventChannel, ipcInvokeChannel, type WireResult } from '@shared/contract';
import type { Dispatch } from './core/rpc/dispatcher';
import type { EventBus } from './core/rpc/eventBus';
import type { Logger } from '@shared/log/logger';

export interface RegisterIpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatch: Dispatch;
  events: Pick<EventBus, 'onAny'>;
  /** See createSenderCheck in shell/senderCheck. */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
  getWindows(): ReadonlyArray<Pick<BrowserWindow, 'isDestroyed' | 'webContents'>>;
  logger?: Logger;
}

const denied: WireResult = {
  ok: false,
  error: { code: 'DENIED', message: 'calls are accepted only from the Sluice window' },
};

/** Returns a function that removes every handler and stops forwarding events. */
export function registerIpc(options: RegisterIpcOptions): () => void {
  const { ipcMain, dispatch, logger } = options;

  for (const name of channelNames) {
    ipcMain.handle(ipcInvokeChannel(name), async (event, input: unknown): Promise<WireResult> => {
      if (!options.isTrustedSender(event)) {
        logger?.warn('refused an IPC call from an untrusted sender', { channel: name });
        return denied;
      }
      try {
        return await dispatch(name, input, { transport: 'ipc' });
      } catch (error) {
        // The dispatcher turns handler errors into data; this only guards its own bugs.
        logger?.error('dispatch failed', { channel: name, error });
        return { ok: false, error: { code: 'INTERNAL', message: `internal error in ${name}` } };
      }
    });
  }

  const stopForwarding = options.events.onAny((event, payload) => {
    const channel = ipcEventChannel(event);
    for (const window of options.getWindows()) {
      if (window.isDestroyed() || window.webContents.isDestroyed()) continue;
      try {
        window.webContents.send(channel, payload);
      } catch (error) {
        logger?.warn('could not forward an event to a window', { event, error });
      }
    }
  });

  return () => {
    stopForwarding();
    for (const name of channelNames) ipcMain.removeHandler(ipcInvokeChannel(name));
  };
}
