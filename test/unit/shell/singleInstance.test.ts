import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { App } from 'electron';
import { claimSingleInstance, type FocusableWindow } from '../../../src-main/shell/singleInstance';

class FakeApp extends EventEmitter {
  constructor(private readonly lockFree: boolean) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.lockFree;
  }
  asApp(): App {
    return this as unknown as App;
  }
}

function fakeWindow(minimized: boolean) {
  const calls: string[] = [];
  const window = {
    destroyed: false,
    isDestroyed: () => window.destroyed,
    isMinimized: () => minimized,
    restore: vi.fn(() => calls.push('restore')),
    show: vi.fn(() => calls.push('show')),
    focus: vi.fn(() => calls.push('focus')),
  };
  return { window, calls };
}

describe('claimSingleInstance', () => {
  it('returns false and listens for nothing when another instance holds the lock', () => {
    const app = new FakeApp(false);
    expect(claimSingleInstance(app.asApp(), () => null)).toBe(false);
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('brings a minimised first window back and focuses it when a second instance starts', () => {
    const app = new FakeApp(true);
    const { window, calls } = fakeWindow(true);
    expect(claimSingleInstance(app.asApp(), () => window as unknown as FocusableWindow)).toBe(true);
    app.emit('second-instance', {}, ['sluice'], '/home/op');
    expect(calls).toEqual(['restore', 'show', 'focus']);
  });

  it('only shows and focuses a window that is not minimised', () => {
    const app = new FakeApp(true);
    const { window, calls } = fakeWindow(false);
    claimSingleInstance(app.asApp(), () => window as unknown as FocusableWindow);
    app.emit('second-instance', {}, [], '/');
    expect(calls).toEqual(['show', 'focus']);
  });

  it('does nothing (and does not throw) when the window is gone', () => {
    const app = new FakeApp(true);
    const { window, calls } = fakeWindow(true);
    window.destroyed = true;
    claimSingleInstance(app.asApp(), () => window as unknown as FocusableWindow);
    app.emit('second-instance', {}, [], '/');
    expect(calls).toEqual([]);
    const empty = new FakeApp(true);
    claimSingleInstance(empty.asApp(), () => null);
    expect(() => empty.emit('second-instance', {}, [], '/')).not.toThrow();
  });
});
