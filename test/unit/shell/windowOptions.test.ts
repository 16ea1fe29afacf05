import { describe, expect, it } from 'vitest';
import { WINDOW_LIMITS, createWindowOptions } from '../../../src-main/shell/windowOptions';

const PRELOAD = '/opt/sluice/out/preload/index.cjs';

describe('createWindowOptions', () => {
  const options = createWindowOptions({
    preloadPath: PRELOAD,
    state: { bounds: { x: 10, y: 20, width: 1200, height: 800 }, maximized: false },
    isDev: false,
  });

  it('sets every hardening flag', () => {
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: false,
    });
  });

  it('never enables Blink features or a remote module, and uses no partition of its own', () => {
    const prefs = options.webPreferences as Record<string, unknown>;
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.enableRemoteModule).toBeUndefined();
    expect(prefs.partition).toBeUndefined();
    expect(prefs.additionalArguments).toBeUndefined();
  });

  it('loads the built preload', () => {
    expect(options.webPreferences?.preload).toBe(PRELOAD);
  });

  it('has a minimum size and uses the remembered bounds', () => {
    expect(options).toMatchObject({
      minWidth: WINDOW_LIMITS.minWidth,
      minHeight: WINDOW_LIMITS.minHeight,
      x: 10,
      y: 20,
      width: 1200,
      height: 800,
      show: false,
    });
  });

  it('leaves the position to the window manager when none is remembered', () => {
    const centred = createWindowOptions({
      preloadPath: PRELOAD,
      state: { bounds: { width: 1000, height: 700 }, maximized: false },
      isDev: false,
    });
    expect('x' in centred).toBe(false);
    expect('y' in centred).toBe(false);
  });

  it('allows DevTools only in development', () => {
    const dev = createWindowOptions({
      preloadPath: PRELOAD,
      state: { bounds: { width: 1000, height: 700 }, maximized: false },
      isDev: true,
    });
    expect(dev.webPreferences?.devTools).toBe(true);
    expect(dev.webPreferences?.sandbox).toBe(true);
    expect(dev.webPreferences?.contextIsolation).toBe(true);
  });
});
