import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, Rectangle } from 'electron';
import { WINDOW_LIMITS } from '../../../src-main/shell/windowOptions';
import {
  WINDOW_STATE_FILE,
  createWindowStateFile,
  restoreWindowState,
  trackWindowState,
  type SavedWindowState,
  type WindowStateFile,
} from '../../../src-main/shell/windowState';
import { FakeWebContents, recordingLogger } from './fakes';

const laptop: Rectangle = { x: 0, y: 0, width: 1920, height: 1050 };
const external: Rectangle = { x: 1920, y: 0, width: 2560, height: 1400 };

function saved(
  x: number,
  y: number,
  width: number,
  height: number,
  maximized = false,
): SavedWindowState {
  return { bounds: { x, y, width, height }, maximized };
}

describe('restoreWindowState', () => {
  it('opens at the default size, centred, the first time', () => {
    expect(restoreWindowState(null, [laptop], WINDOW_LIMITS)).toEqual({
      bounds: { width: WINDOW_LIMITS.defaultWidth, height: WINDOW_LIMITS.defaultHeight },
      maximized: false,
    });
  });

  it('shrinks the default size to a small screen', () => {
    const small: Rectangle = { x: 0, y: 0, width: 1024, height: 700 };
    expect(restoreWindowState(null, [small], WINDOW_LIMITS).bounds).toEqual({
      width: 1024,
      height: 700,
    });
  });

  it('restores a window that is on screen exactly', () => {
    expect(restoreWindowState(saved(100, 80, 1200, 800, true), [laptop], WINDOW_LIMITS)).toEqual({
      bounds: { x: 100, y: 80, width: 1200, height: 800 },
      maximized: true,
    });
  });

  it('keeps a window on the second display when that display is still there', () => {
    const state = restoreWindowState(
      saved(2200, 100, 1400, 900),
      [laptop, external],
      WINDOW_LIMITS,
    );
    expect(state.bounds).toEqual({ x: 2200, y: 100, width: 1400, height: 900 });
  });

  it('centres a window left on a display that was unplugged on the primary one', () => {
    const state = restoreWindowState(saved(2200, 100, 1400, 900, true), [laptop], WINDOW_LIMITS);
    expect(state).toEqual({ bounds: { width: 1400, height: 900 }, maximized: true });
  });

  it('treats a sliver of overlap as off screen', () => {
    // Only 40 px of the window's width remain on the laptop: impossible to grab reliably.
    const state = restoreWindowState(saved(1880, 100, 1200, 800), [laptop], WINDOW_LIMITS);
    expect(state.bounds.x).toBeUndefined();
    expect(state.bounds.y).toBeUndefined();
  });

  it('pulls a partly off-screen window fully inside its display', () => {
    const state = restoreWindowState(saved(-300, -50, 1200, 800), [laptop], WINDOW_LIMITS);
    expect(state.bounds).toEqual({ x: 0, y: 0, width: 1200, height: 800 });
    const right = restoreWindowState(saved(1500, 600, 1200, 800), [laptop], WINDOW_LIMITS);
    expect(right.bounds).toEqual({ x: 720, y: 250, width: 1200, height: 800 });
  });

  it('shrinks a window larger than the display it is on', () => {
    const state = restoreWindowState(saved(0, 0, 4000, 3000), [laptop], WINDOW_LIMITS);
    expect(state.bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1050 });
  });

  it('never restores below the minimum size', () => {
    const state = restoreWindowState(saved(10, 10, 200, 100), [laptop], WINDOW_LIMITS);
    expect(state.bounds.width).toBe(WINDOW_LIMITS.minWidth);
    expect(state.bounds.height).toBe(WINDOW_LIMITS.minHeight);
  });
});

describe('window state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-window-state-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips what it saved', () => {
    const file = createWindowStateFile(dir, recordingLogger().logger);
    expect(file.load()).toBeNull();
    file.save(saved(1, 2, 1300, 900, true));
    expect(file.load()).toEqual(saved(1, 2, 1300, 900, true));
    expect(fs.readdirSync(dir)).toEqual([WINDOW_STATE_FILE]);
  });

  it.each([
    '{not json',
    '{"bounds":{"x":"a"},"maximized":false}',
    '[]',
    '{"bounds":{"x":0,"y":0,"width":-5,"height":10},"maximized":false}',
  ])('treats a malformed file as no saved state: %s', (text) => {
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), text);
    const { logger, lines } = recordingLogger();
    expect(createWindowStateFile(dir, logger).load()).toBeNull();
    expect(lines.join('\n')).toContain('malformed window state');
  });

  it('logs instead of throwing when it cannot write', () => {
    const blocked = path.join(dir, 'not-a-dir');
    fs.writeFileSync(blocked, 'x');
    const { logger, lines } = recordingLogger();
    expect(() => createWindowStateFile(blocked, logger).save(saved(0, 0, 1000, 700))).not.toThrow();
    expect(lines.join('\n')).toContain('could not save window state');
  });
});

describe('trackWindowState', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  class FakeWindow extends FakeWebContents {
    bounds: Rectangle = { x: 10, y: 20, width: 1100, height: 750 };
    maximized = false;
    isMaximized(): boolean {
      return this.maximized;
    }
    getNormalBounds(): Rectangle {
      return { ...this.bounds };
    }
  }

  function tracked(debounceMs = 500) {
    const window = new FakeWindow();
    const saves: SavedWindowState[] = [];
    const store: WindowStateFile = { load: () => null, save: (state) => saves.push(state) };
    const flush = trackWindowState(window as unknown as BrowserWindow, store, debounceMs);
    return { window, saves, flush };
  }

  it('writes once, a moment after a burst of moves and resizes', () => {
    const { window, saves } = tracked();
    for (let i = 0; i < 30; i += 1) {
      window.bounds = { ...window.bounds, x: 10 + i };
      window.emit(i % 2 === 0 ? 'move' : 'resize');
      vi.advanceTimersByTime(100);
    }
    expect(saves).toHaveLength(0);
    vi.advanceTimersByTime(500);
    expect(saves).toEqual([saved(39, 20, 1100, 750)]);
  });

  it('saves the normal bounds and the maximised flag on maximise', () => {
    const { window, saves } = tracked();
    window.maximized = true;
    window.emit('maximize');
    vi.advanceTimersByTime(500);
    expect(saves).toEqual([saved(10, 20, 1100, 750, true)]);
  });

  it('writes at once when the window closes, and the pending write is dropped', () => {
    const { window, saves } = tracked();
    window.emit('resize');
    window.emit('close', {});
    expect(saves).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(saves).toHaveLength(1);
  });

  it('flush writes a pending change immediately and nothing when idle', () => {
    const { window, saves, flush } = tracked();
    flush();
    expect(saves).toHaveLength(0);
    window.emit('move');
    flush();
    expect(saves).toHaveLength(1);
  });

  it('does not touch a destroyed window', () => {
    const { window, saves } = tracked();
    window.emit('move');
    window.destroyed = true;
    vi.advanceTimersByTime(500);
    expect(saves).toHaveLength(0);
  });
});
