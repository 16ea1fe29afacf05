import type { MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Reload and DevTools exist only in development: production pages are never reloaded from disk mid-incident. */
  isDev: boolean;
  appName: string;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

/**
 * The application menu as a template (Menu.buildFromTemplate turns it into
 * a menu). Roles give the native behaviour; accelerators are spelled out so
 * the shortcuts are the platform's usual ones on every platform.
 */
export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];

  if (mac) {
    template.push({
      label: options.appName,
      submenu: [
        { role: 'about' },
        separator,
        { role: 'services' },
        separator,
        { role: 'hide', accelerator: 'Command+H' },
        { role: 'hideOthers', accelerator: 'Command+Alt+H' },
        { role: 'unhide' },
        separator,
        { role: 'quit', accelerator: 'Command+Q' },
      ],
    });
  }

  template.push({
    label: 'File',
    submenu: mac
      ? [{ role: 'close', accelerator: 'Command+W' }]
      : [{ role: 'quit', accelerator: 'Ctrl+Q' }],
  });

  template.push({
    label: 'Edit',
    submenu: [
      { role: 'undo', accelerator: 'CmdOrCtrl+Z' },
      { role: 'redo', accelerator: options.platform === 'win32' ? 'Ctrl+Y' : 'Shift+CmdOrCtrl+Z' },
      separator,
      { role: 'cut', accelerator: 'CmdOrCtrl+X' },
      { role: 'copy', accelerator: 'CmdOrCtrl+C' },
      { role: 'paste', accelerator: 'CmdOrCtrl+V' },
      separator,
      { role: 'selectAll', accelerator: 'CmdOrCtrl+A' },
    ],
  });

  const devItems: MenuItemConstructorOptions[] = options.isDev
    ? [
        { role: 'reload', accelerator: 'CmdOrCtrl+R' },
        { role: 'toggleDevTools', accelerator: mac ? 'Alt+Command+I' : 'Ctrl+Shift+I' },
        separator,
      ]
    : [];
  template.push({
    label: 'View',
    submenu: [
      ...devItems,
      { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
      { role: 'zoomIn', accelerator: 'CmdOrCtrl+Plus' },
      { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
      separator,
      { role: 'togglefullscreen', accelerator: mac ? 'Ctrl+Command+F' : 'F11' },
    ],
  });

  template.push({
    label: 'Window',
    submenu: mac
      ? [
          { role: 'minimize', accelerator: 'Command+M' },
          { role: 'zoom' },
          separator,
          { role: 'front' },
        ]
      : [
          { role: 'minimize', accelerator: 'Ctrl+M' },
          { role: 'close', accelerator: 'Ctrl+W' },
        ],
  });

  if (!mac) {
    // On macOS "About" lives in the app menu.
    template.push({ label: 'Help', submenu: [{ role: 'about' }] });
  }

  return template;
}
