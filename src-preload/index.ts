/**
 * The preload: the renderer's only door to the main process. It runs
 * sandboxed in an isolated world and exposes exactly one object,
 * window.sluice, implementing SluiceBridge. Channel and event names come
 * from the contract; a name the contract does not know never reaches
 * ipcRenderer, and listeners never see the IpcRendererEvent (whose `sender`
 * would hand the page the raw ipcRenderer).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  events,
  ipcEventChannel,
  ipcInvokeChannel,
  isChannelName,
  wireResultSchema,
  type EventName,
  type SluiceBridge,
  type WireResult,
} from '@shared/contract';

function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(events, value);
}

function describe(value: unknown): string {
  return String(value).slice(0, 100);
}

/** Structured clone is what IPC does; failing here names the real problem (bad input). */
function isCloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

export function createIpcBridge(
  renderer: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>,
): SluiceBridge {
  const bridge: SluiceBridge = {
    transport: 'ipc',

    async invoke(channel, input): Promise<WireResult> {
      if (!isChannelName(channel)) {
        return {
          ok: false,
          error: { code: 'INVALID_INPUT', message: `unknown channel "${describe(channel)}"` },
        };
      }
      if (!isCloneable(input)) {
        return {
          ok: false,
          error: { code: 'INVALID_INPUT', message: `input for ${channel} is not plain data` },
        };
      }
      let reply: unknown;
      try {
        reply = await renderer.invoke(ipcInvokeChannel(channel), input);
      } catch {
        // Main answers with data, never by throwing; a rejection means no handler
        // (the app is still starting or shutting down) or a broken process.
        return {
          ok: false,
          error: { code: 'UNAVAILABLE', message: `the application did not answer ${channel}` },
        };
      }
      const checked = wireResultSchema.safeParse(reply);
      if (!checked.success) {
        return {
          ok: false,
          error: { code: 'INTERNAL', message: `malformed reply for ${channel}` },
        };
      }
      return checked.data as WireResult;
    },

    on(event, listener) {
      if (!isEventName(event)) throw new TypeError(`unknown event "${describe(event)}"`);
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      const channel = ipcEventChannel(event);
      const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
      renderer.on(channel, forward);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        renderer.removeListener(channel, forward);
      };
    },
  };
  return Object.freeze(bridge);
}

contextBridge.exposeInMainWorld('sluice', createIpcBridge(ipcRenderer));
