import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { BrowserWindow, Rectangle } from 'electron';
import type { Logger } from '@shared/log/logger';

/**
 * The main window's size, position and maximised flag, kept in
 * <userData>/window-state.json so the window reopens where it was left.
 */
export const WINDOW_STATE_FILE = 'window-state.json';

const finite = z.number().finite();
const savedStateSchema = z.object({
  bounds: z.object({ x: finite, y: finite, width: finite.positive(), height: finite.positive() }),
  maximized: z.boolean(),
});
export type SavedWindowState = z.infer<typeof savedStateSchema>;

export interface RestoredWindowState {
  /** x and y absent: let the window manager centre it. */
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

export interface WindowSizeLimits {
  minWidth: number;
  minHeight: number;
  defaultWidth: number;
  defaultHeight: number;
}

/** A window this much on a display (in pixels, each way) can be grabbed and moved back. */
const MIN_VISIBLE = { width: 100, height: 50 };

function intersection(a: Rectangle, b: Rectangle): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return { width: Math.max(0, width), height: Math.max(0, height) };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

/**
 * Where to put the window given what was saved and the displays there are
 * now (work areas, primary first). A monitor unplugged since last time must
 * not leave the window off screen: if too little of it would be visible on
 * any display it is centred on the primary one; either way it is shrunk to
 * fit and moved fully inside the display it lands on.
 */
export function restoreWindowState(
  saved: SavedWindowState | null,
  workAreas: readonly Rectangle[],
  limits: WindowSizeLimits,
): RestoredWindowState {
  const primary = workAreas[0];
  const fitSize = (width: number, height: number, area: Rectangle | undefined) => ({
    width: Math.round(
      clamp(width, Math.min(limits.minWidth, area?.width ?? width), area?.width ?? width),
    ),
    height: Math.round(
      clamp(height, Math.min(limits.minHeight, area?.height ?? height), area?.height ?? height),
    ),
  });
  if (!saved) {
    return {
      bounds: fitSize(limits.defaultWidth, limits.defaultHeight, primary),
      maximized: false,
    };
  }

  let best: Rectangle | undefined;
  let bestArea = 0;
  for (const area of workAreas) {
    const overlap = intersection(saved.bounds, area);
    if (overlap.width >= MIN_VISIBLE.width && overlap.height >= MIN_VISIBLE.height) {
      if (overlap.width * overlap.height > bestArea) {
        best = area;
        bestArea = overlap.width * overlap.height;
      }
    }
  }
  if (!best) {
    return {
      bounds: fitSize(saved.bounds.width, saved.bounds.height, primary),
      maximized: saved.maximized,
    };
  }
  const size = fitSize(saved.bounds.width, saved.bounds.height, best);
  return {
    bounds: {
      x: Math.round(clamp(saved.bounds.x, best.x, best.x + best.width - size.width)),
      y: Math.round(clamp(saved.bounds.y, best.y, best.y + best.height - size.height)),
      ...size,
    },
    maximized: saved.maximized,
  };
}

export interface WindowStateFile {
  load(): SavedWindowState | null;
  save(state: SavedWindowState): void;
}

/** A missing, unreadable or malformed file means "no saved state", never an error. */
export function createWindowStateFile(dir: string, logger: Logger): WindowStateFile {
  const file = path.join(dir, WINDOW_STATE_FILE);
  return {
    load() {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        return null;
      }
      try {
        const parsed = savedStateSchema.safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data;
      } catch {
        // fall through: malformed JSON is treated like a malformed shape
      }
      logger.warn('ignoring malformed window state file');
      return null;
    },
    save(state) {
      // Write-then-rename so a crash mid-write never leaves half a file.
      const temp = `${file}.${process.pid}.tmp`;
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(temp, JSON.stringify(state));
        fs.renameSync(temp, file);
      } catch (error) {
        logger.warn('could not save window state', { error });
      }
    },
  };
}

export type TrackedWindow = Pick<
  BrowserWindow,
  'on' | 'isDestroyed' | 'isMaximized' | 'getNormalBounds'
>;

/**
 * Saves the window's state a moment after it stops moving or resizing (a
 * drag fires dozens of events a second), and at once when it closes.
 * Returns a function that flushes any pending write.
 */
export function trackWindowState(
  window: TrackedWindow,
  store: WindowStateFile,
  debounceMs = 500,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const capture = (): void => {
    if (window.isDestroyed()) return;
    // Normal bounds: the size to return to when un-maximised, not the maximised size.
    const bounds = window.getNormalBounds();
    store.save({
      bounds: { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height },
      maximized: window.isMaximized(),
    });
  };
  const flush = (): void => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    capture();
  };
  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      capture();
    }, debounceMs);
  };
  window.on('resize', schedule);
  window.on('move', schedule);
  window.on('maximize', schedule);
  window.on('unmaximize', schedule);
  window.on('close', () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    capture();
  });
  return flush;
}
