import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BROWSER_SECRETS_FILE, createBrowserHost } from '../../../src-main/bridge/browserHost';
import { createLogger } from '@shared/log/logger';

describe('createBrowserHost', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('is a browser-mode host whose secrets live in a 0600 file in the data directory', async () => {
    dir = await mkdtemp(join(os.tmpdir(), 'sluice-host-'));
    const lines: string[] = [];
    const host = createBrowserHost({
      dataDir: dir,
      appVersion: '1.2.3',
      logger: createLogger((line) => lines.push(line)),
    });
    expect(host.mode).toBe('browser');
    expect(host.dataDir).toBe(dir);
    expect(host.appVersion).toBe('1.2.3');
    expect(host.operator()).toEqual({ osUser: os.userInfo().username, hostName: os.hostname() });

    await host.secrets.set('env:1:redis', 's3cret');
    expect(await host.secrets.get('env:1:redis')).toBe('s3cret');
    const info = await stat(join(dir, BROWSER_SECRETS_FILE));
    expect(info.mode & 0o777).toBe(0o600);

    host.notify('Queue backing up', 'write_queue depth 12000');
    expect(lines.some((line) => line.includes('Queue backing up'))).toBe(true);
  });
});
