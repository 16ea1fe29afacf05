/**
 * The Electron main process: app lifecycle, the one window, the menu. All
 * behaviour lives in the core (src-main/core, pure Node); this file only
 * wires it to Electron, and the hardening rules live in src-main/shell.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BrowserWindow,
  Menu,
  app,
  dialog,
  ipcMain,
  screen,
  session,
  shell,
  type Rectangle,
} from 'electron';
import { StoreOpenError, createCore, type Core } from './core/app';
import type { Logger } from '@shared/log/logger';
import { registerIpc } from './ipc';
import { resolveAppPage, type AppPage } from './shell/appPage';
import { createElectronHost } from './shell/electronHost';
import { openFileLog, type FileLog } from './shell/fileLog';
import { buildMenuTemplate } from './shell/menu';
import { findElectronSqliteBinding } from './shell/nativeBinding';
import { hardenSession, hardenWebContents } from './shell/security';
import { createSenderCheck } from './shell/senderCheck';
import { claimSingleInstance } from './shell/singleInstance';
import { WINDOW_LIMITS, createWindowOptions } from './shell/windowOptions';
import { createWindowStateFile, restoreWindowState, trackWindowState } from './shell/windowState';

const here = path.dirname(fileURLToPath(import.meta.url)); // out/main
const PRELOAD_PATH = path.join(here, '..', 'preload', 'index.cjs');
const RENDERER_INDEX_PATH = path.join(here, '..', 'renderer', 'index.html');
/** Bounded so a hung connection cannot keep a quitting app alive forever. */
const CLOSE_TIMEOUT_MS = 10_000;

// A separate data directory (tests, a second profile) must be chosen before
// anything reads userData, including the single-instance lock below.
const userDataOverride = process.env.SLUICE_USER_DATA_DIR?.trim();
if (userDataOverride) app.setPath('userData', path.resolve(userDataOverride));

// Every renderer runs in Chromium's sandbox, whatever a window's options say.
app.enableSandbox();

const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const isDev = Boolean(devServerUrl);

let mainWindow: BrowserWindow | null = null;

function visibleWorkAreas(): Rectangle[] {
  const primary = screen.getPrimaryDisplay();
  const others = screen.getAllDisplays().filter((display) => display.id !== primary.id);
  return [primary.workArea, ...others.map((display) => display.workArea)];
}

function createMainWindow(page: AppPage, dataDir: string, logger: Logger): BrowserWindow {
  const stateFile = createWindowStateFile(dataDir, logger);
  const state = restoreWindowState(stateFile.load(), visibleWorkAreas(), WINDOW_LIMITS);
  const window = new BrowserWindow(
    createWindowOptions({ preloadPath: PRELOAD_PATH, state, isDev }),
  );
  trackWindowState(window, stateFile);
  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  const loading =
    page.kind === 'dev' ? window.loadURL(page.url) : window.loadFile(RENDERER_INDEX_PATH);
  loading.catch((error: unknown) => logger.error('the window could not load its page', { error }));
  mainWindow = window;
  return window;
}

async function failStart(log: FileLog, title: string, message: string): Promise<void> {
  dialog.showErrorBox(title, message);
  await log.close();
  // exit, not quit: nothing was opened that needs closing, and no quit
  // handler may run against a store that failed to open.
  app.exit(1);
}

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = app.getPath('userData');
  const log = openFileLog(dataDir, { echo: isDev });
  const { logger } = log;
  logger.info('starting', {
    version: app.getVersion(),
    electron: process.versions.electron,
    platform: process.platform,
    dataDir,
  });

  let page: AppPage;
  try {
    page = resolveAppPage({
      devServerUrl,
      isPackaged: app.isPackaged,
      rendererIndexPath: RENDERER_INDEX_PATH,
    });
  } catch (error) {
    await failStart(
      log,
      'Sluice could not start',
      error instanceof Error ? error.message : String(error),
    );
    return;
  }

  const openExternal = (url: string): Promise<void> => shell.openExternal(url);
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { page, openExternal, logger });
  });
  hardenSession(session.defaultSession, { page, logger });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({ platform: process.platform, isDev, appName: app.getName() }),
    ),
  );

  const nativeBinding = findElectronSqliteBinding([app.getAppPath(), process.resourcesPath]);
  let core: Core;
  try {
    const host = createElectronHost({ dataDir, appVersion: app.getVersion(), logger });
    core = await createCore(host, nativeBinding ? { nativeBinding } : {});
  } catch (error) {
    const hint = nativeBinding
      ? ''
      : '\n\nNo Electron build of better-sqlite3 was found (native/electron/better_sqlite3.node). ' +
        'Build it with "npm run rebuild:electron".';
    if (error instanceof StoreOpenError) {
      logger.error('the store could not be opened', { reason: error.reason });
      await failStart(log, 'Sluice cannot open its data', `${error.message}${hint}`);
    } else {
      logger.error('start-up failed', { error });
      await failStart(
        log,
        'Sluice could not start',
        `Start-up failed; details are in ${log.file}.${hint}`,
      );
    }
    return;
  }
  logger.info('core ready', { nativeBinding: nativeBinding ?? 'node_modules' });

  const disposeIpc = registerIpc({
    ipcMain,
    dispatch: core.dispatch,
    events: core.events,
    isTrustedSender: createSenderCheck(page),
    getWindows: () => BrowserWindow.getAllWindows(),
    logger,
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(page, dataDir, logger);
  });

  let shutdown: 'running' | 'closing' | 'done' = 'running';
  app.on('will-quit', (event) => {
    if (shutdown === 'done') return;
    event.preventDefault();
    if (shutdown === 'closing') return;
    shutdown = 'closing';
    disposeIpc();
    const gaveUp = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
    const closing = core
      .close()
      .catch((error: unknown) => logger.error('closing the core failed', { error }));
    void Promise.race([closing, gaveUp]).then(async () => {
      logger.info('stopped');
      await log.close();
      shutdown = 'done';
      app.quit();
    });
  });

  createMainWindow(page, dataDir, logger);
}

if (claimSingleInstance(app, () => mainWindow)) {
  start().catch((error: unknown) => {
    // Only reached if logging itself could not start (unwritable userData).
    dialog.showErrorBox(
      'Sluice could not start',
      error instanceof Error ? error.message : String(error),
    );
    app.exit(1);
  });
} else {
  app.quit();
}
