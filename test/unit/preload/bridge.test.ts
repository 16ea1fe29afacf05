import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  IPC_EVENT_PREFIX,
  IPC_INVOKE_PREFIX,
  channelNames,
  events,
  ipcEventChannel,
  ipcInvokeChannel,
  type ChannelName,
  type EventName,
  type SluiceBridge,
} from '@shared/contract';

type Listener = (event: unknown, ...args: unknown[]) => void;

// A hand-written ipcRenderer: invoke answers from `reply`, on/removeListener
// keep a real listener table so subscriptions can be driven and inspected.
const fake = vi.hoisted(() => {
  const listeners = new Map<string, Set<Listener>>();
  const exposed: Record<string, unknown> = {};
  const state = {
    reply: (_channel: string, _input: unknown): Promise<unknown> => Promise.resolve(),
  };
  const ipcRenderer = {
    invoke: vi.fn((channel: string, input: unknown) => state.reply(channel, input)),
    on: vi.fn((channel: string, listener: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
      return ipcRenderer;
    }),
    removeListener: vi.fn((channel: string, listener: Listener) => {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    }),
  };
  const contextBridge = {
    exposeInMainWorld: vi.fn((key: string, api: unknown) => {
      exposed[key] = api;
    }),
  };
  const emit = (channel: string, ...args: unknown[]): void => {
    const senderEvent = { sender: ipcRenderer, senderId: 0, ports: [] };
    for (const listener of listeners.get(channel) ?? []) listener(senderEvent, ...args);
  };
  return { ipcRenderer, contextBridge, exposed, listeners, state, emit };
});

vi.mock('electron', () => ({ ipcRenderer: fake.ipcRenderer, contextBridge: fake.contextBridge }));

await import('../../../src-preload/index');
const bridge = fake.exposed.sluice as SluiceBridge;
const firstChannel = channelNames[0] as ChannelName;
const firstEvent = Object.keys(events)[0] as EventName;

beforeEach(() => {
  fake.ipcRenderer.invoke.mockClear();
  fake.state.reply = () => Promise.resolve({ ok: true, value: { echoed: true } });
});

describe('preload bridge', () => {
  it('exposes exactly one object, window.sluice, with transport ipc', () => {
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(fake.contextBridge.exposeInMainWorld.mock.calls[0]?.[0]).toBe('sluice');
    expect(bridge.transport).toBe('ipc');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'transport']);
  });

  it.each(channelNames)('invoke(%s) goes to the contract-derived IPC channel', async (name) => {
    const input = { probe: name };
    const result = await bridge.invoke(name, input);
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(ipcInvokeChannel(name), input);
    expect(result).toEqual({ ok: true, value: { echoed: true } });
  });

  it('returns a failure from main as data, unchanged', async () => {
    fake.state.reply = () =>
      Promise.resolve({ ok: false, error: { code: 'DENIED', message: 'no', details: { why: 1 } } });
    await expect(bridge.invoke(firstChannel, {})).resolves.toEqual({
      ok: false,
      error: { code: 'DENIED', message: 'no', details: { why: 1 } },
    });
  });

  it.each(['not.a.channel', '__proto__', 'constructor', '', 42, null])(
    'refuses channel %s with INVALID_INPUT without calling main',
    async (name) => {
      const result = await bridge.invoke(name as ChannelName, {});
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe('INVALID_INPUT');
      expect(fake.ipcRenderer.invoke).not.toHaveBeenCalled();
    },
  );

  it('refuses input that cannot cross IPC with INVALID_INPUT without calling main', async () => {
    const result = await bridge.invoke(firstChannel, { callback: () => 1 });
    expect(!result.ok && result.error.code).toBe('INVALID_INPUT');
    expect(fake.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('turns a rejected invoke (no handler yet) into UNAVAILABLE data', async () => {
    fake.state.reply = () => Promise.reject(new Error("No handler registered for 'x'"));
    const result = await bridge.invoke(firstChannel, {});
    expect(!result.ok && result.error.code).toBe('UNAVAILABLE');
  });

  it('turns a reply that is not a WireResult into INTERNAL data', async () => {
    fake.state.reply = () => Promise.resolve({ something: 'else' });
    const result = await bridge.invoke(firstChannel, {});
    expect(!result.ok && result.error.code).toBe('INTERNAL');
  });

  it.each(Object.keys(events) as EventName[])(
    'on(%s) passes only the payload, never the IpcRendererEvent, and unsubscribes',
    (event) => {
      const received: unknown[][] = [];
      const unsubscribe = bridge.on(event, (...args: unknown[]) => received.push(args));
      const channel = ipcEventChannel(event);
      expect(fake.ipcRenderer.on).toHaveBeenLastCalledWith(channel, expect.any(Function));

      fake.emit(channel, { ids: ['a'] });
      expect(received).toEqual([[{ ids: ['a'] }]]);

      unsubscribe();
      unsubscribe(); // a second call is harmless
      fake.emit(channel, { ids: ['b'] });
      expect(received).toHaveLength(1);
      expect(fake.listeners.get(channel)?.size ?? 0).toBe(0);
    },
  );

  it('keeps listeners of one event away from another', () => {
    const other = (Object.keys(events) as EventName[]).find((name) => name !== firstEvent);
    const seen: unknown[] = [];
    const unsubscribe = bridge.on(firstEvent, (payload) => seen.push(payload));
    if (other) fake.emit(ipcEventChannel(other), { keys: [] });
    expect(seen).toEqual([]);
    unsubscribe();
  });

  it('refuses an event the contract does not declare', () => {
    expect(() => bridge.on('not.an.event' as EventName, () => undefined)).toThrow(TypeError);
    expect(() => bridge.on(firstEvent, 'nope' as unknown as () => void)).toThrow(TypeError);
  });

  it('spells no wire name of its own: channel and event names come only from the contract', () => {
    const source = readFileSync(new URL('../../../src-preload/index.ts', import.meta.url), 'utf8');
    const names = [IPC_INVOKE_PREFIX, IPC_EVENT_PREFIX, ...channelNames, ...Object.keys(events)];
    for (const name of names) {
      expect(source.includes(`'${name}'`) || source.includes(`"${name}"`), name).toBe(false);
    }
  });
});
