import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from '../../../src-main/shell/menu';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [
    item,
    ...(Array.isArray(item.submenu) ? flatten(item.submenu as MenuItemConstructorOptions[]) : []),
  ]);
}

function accelerators(items: MenuItemConstructorOptions[]): Record<string, string | undefined> {
  return Object.fromEntries(
    flatten(items)
      .filter((item) => item.role !== undefined)
      .map((item) => [item.role as string, item.accelerator as string | undefined]),
  );
}

describe('application menu', () => {
  it.each(['linux', 'win32'] as const)('on %s has File, Edit, View, Window, Help', (platform) => {
    const template = buildMenuTemplate({ platform, isDev: false, appName: 'Sluice' });
    expect(template.map((item) => item.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    const keys = accelerators(template);
    expect(keys.quit).toBe('Ctrl+Q');
    expect(keys.undo).toBe('CmdOrCtrl+Z');
    expect(keys.cut).toBe('CmdOrCtrl+X');
    expect(keys.copy).toBe('CmdOrCtrl+C');
    expect(keys.paste).toBe('CmdOrCtrl+V');
    expect(keys.selectAll).toBe('CmdOrCtrl+A');
    expect(keys.resetZoom).toBe('CmdOrCtrl+0');
    expect(keys.zoomIn).toBe('CmdOrCtrl+Plus');
    expect(keys.zoomOut).toBe('CmdOrCtrl+-');
    expect(keys.togglefullscreen).toBe('F11');
    expect(keys.redo).toBe(platform === 'win32' ? 'Ctrl+Y' : 'Shift+CmdOrCtrl+Z');
  });

  it('on macOS starts with the app menu and uses Command shortcuts', () => {
    const template = buildMenuTemplate({ platform: 'darwin', isDev: false, appName: 'Sluice' });
    expect(template.map((item) => item.label)).toEqual([
      'Sluice',
      'File',
      'Edit',
      'View',
      'Window',
    ]);
    const appMenu = flatten([template[0] as MenuItemConstructorOptions]).map((item) => item.role);
    expect(appMenu).toEqual(
      expect.arrayContaining(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']),
    );
    const keys = accelerators(template);
    expect(keys.quit).toBe('Command+Q');
    expect(keys.close).toBe('Command+W');
    expect(keys.togglefullscreen).toBe('Ctrl+Command+F');
  });

  it('has every Edit role so text fields get native editing', () => {
    const template = buildMenuTemplate({ platform: 'linux', isDev: false, appName: 'Sluice' });
    const edit = template.find((item) => item.label === 'Edit');
    const roles = flatten((edit?.submenu ?? []) as MenuItemConstructorOptions[]).map((i) => i.role);
    expect(roles).toEqual(
      expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']),
    );
  });

  it.each(['linux', 'darwin', 'win32'] as const)(
    'on %s offers reload and DevTools only in development',
    (platform) => {
      const prod = flatten(buildMenuTemplate({ platform, isDev: false, appName: 'Sluice' })).map(
        (i) => i.role,
      );
      const dev = flatten(buildMenuTemplate({ platform, isDev: true, appName: 'Sluice' })).map(
        (i) => i.role,
      );
      for (const role of ['reload', 'forceReload', 'toggleDevTools'])
        expect(prod).not.toContain(role);
      expect(dev).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    },
  );

  it('gives no two items the same accelerator', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const used = flatten(buildMenuTemplate({ platform, isDev: true, appName: 'Sluice' }))
        .map((item) => item.accelerator)
        .filter((key): key is string => typeof key === 'string');
      expect(new Set(used).size, platform).toBe(used.length);
    }
  });
});
