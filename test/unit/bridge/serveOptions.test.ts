import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  UsageError,
  defaultDataDir,
  parseServeArgs,
  type ServeEnvironment,
} from '../../../src-main/bridge/serveOptions';

const linux: ServeEnvironment = {
  platform: 'linux',
  env: {},
  homeDir: '/home/ops',
  cwd: '/work/here',
  projectRoot: '/opt/sluice',
};

describe('defaultDataDir', () => {
  it('matches Electron userData for Sluice on each platform', () => {
    expect(defaultDataDir('linux', {}, '/home/ops')).toBe('/home/ops/.config/Sluice');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ops')).toBe('/xdg/Sluice');
    expect(defaultDataDir('darwin', {}, '/Users/ops')).toBe(
      '/Users/ops/Library/Application Support/Sluice',
    );
    expect(
      defaultDataDir('win32', { APPDATA: 'C:\\Users\\ops\\AppData\\Roaming' }, 'C:\\Users\\ops'),
    ).toBe(join('C:\\Users\\ops\\AppData\\Roaming', 'Sluice'));
  });
});

describe('parseServeArgs', () => {
  it('has defaults: free port, 127.0.0.1, platform data dir, out/renderer of the project', () => {
    expect(parseServeArgs([], linux)).toEqual({
      port: 0,
      host: '127.0.0.1',
      dataDir: '/home/ops/.config/Sluice',
      staticDir: '/opt/sluice/out/renderer',
      help: false,
    });
  });

  it('reads every flag in both spellings, relative paths against the working directory', () => {
    expect(
      parseServeArgs(
        ['--port', '8080', '--host=::1', '--data-dir', 'data', '--static-dir=/srv/page'],
        linux,
      ),
    ).toEqual({
      port: 8080,
      host: '::1',
      dataDir: resolve('/work/here', 'data'),
      staticDir: '/srv/page',
      help: false,
    });
    expect(parseServeArgs(['--help'], linux).help).toBe(true);
  });

  it('takes SLUICE_USER_DATA_DIR when --data-dir is not given', () => {
    const env = { ...linux, env: { SLUICE_USER_DATA_DIR: '/var/sluice' } };
    expect(parseServeArgs([], env).dataDir).toBe('/var/sluice');
    expect(parseServeArgs(['--data-dir', '/x'], env).dataDir).toBe('/x');
  });

  it('refuses bad ports, unknown flags, missing values and repeats', () => {
    for (const argv of [
      ['--port', '65536'],
      ['--port', '-1'],
      ['--port', '80a'],
      ['--port'],
      ['--verbose'],
      ['serve'],
      ['--host='],
      ['--port', '1', '--port', '2'],
    ]) {
      expect(() => parseServeArgs(argv, linux), argv.join(' ')).toThrow(UsageError);
    }
  });
});
