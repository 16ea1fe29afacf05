import type { BrowserWindowConstructorOptions } from 'electron';
import type { RestoredWindowState } from './windowState';

export const WINDOW_LIMITS = {
  minWidth: 960,
  minHeight: 600,
  defaultWidth: 1360,
  defaultHeight: 860,
} as const;

export interface WindowOptionsInput {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  preloadPath: string;
  /** Remembered size and position, already clamped to a visible display. */
  state: RestoredWindowState;
  /** DevTools exist only in development builds. */
  isDev: boolean;
}

/**
 * The only place a BrowserWindow's options are written. The renderer shows
 * untrusted payloads, so it runs with no Node, in a sandboxed process, in an
 * isolated world, with web security on; its sole way out is the preload's
 * window.sluice.
 */
export function createWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  const { bounds } = input.state;
  return {
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    width: bounds.width,
    height: bounds.height,
    minWidth: WINDOW_LIMITS.minWidth,
    minHeight: WINDOW_LIMITS.minHeight,
    title: 'Sluice',
    // Shown on 'ready-to-show' so the user never sees an unstyled white flash.
    show: false,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // Middle-click must not open links outside the window-open handler.
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: input.isDev,
    },
  };
}
