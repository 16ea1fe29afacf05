import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonLoopbackAddressError, resolveLoopbackHost } from '../../../src-main/bridge/loopback';
import { startBridge } from '../../../src-main/bridge/server';
import { silentLogger } from '@shared/log/logger';
import { EventBus } from '../../../src-main/core/rpc/eventBus';

describe('resolveLoopbackHost', () => {
  it('accepts 127.0.0.0/8, ::1 in any spelling, and localhost as 127.0.0.1', () => {
    expect(resolveLoopbackHost('127.0.0.1')).toEqual({
      bindAddress: '127.0.0.1',
      urlHost: '127.0.0.1',
    });
    expect(resolveLoopbackHost('127.1.2.3')).toEqual({
      bindAddress: '127.1.2.3',
      urlHost: '127.1.2.3',
    });
    expect(resolveLoopbackHost('::1')).toEqual({ bindAddress: '::1', urlHost: '[::1]' });
    expect(resolveLoopbackHost('[::1]')).toEqual({ bindAddress: '::1', urlHost: '[::1]' });
    expect(resolveLoopbackHost('0:0:0:0:0:0:0:1').urlHost).toBe('[::1]');
    expect(resolveLoopbackHost('LocalHost')).toEqual({
      bindAddress: '127.0.0.1',
      urlHost: '127.0.0.1',
    });
  });

  it('refuses wildcard, LAN, public, shorthand and mapped addresses, naming them', () => {
    for (const address of [
      '0.0.0.0',
      '::',
      '192.168.1.10',
      '10.0.0.1',
      '8.8.8.8',
      '127.1',
      '::ffff:127.0.0.1',
      'example.com',
      '',
    ]) {
      expect(() => resolveLoopbackHost(address), address).toThrow(NonLoopbackAddressError);
      expect(() => resolveLoopbackHost(address), address).toThrow(`"${address}"`);
    }
  });
});

describe('startBridge host refusal', () => {
  let staticDir: string;
  beforeAll(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'sluice-bridge-host-'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html>');
  });
  afterAll(async () => {
    await rm(staticDir, { recursive: true, force: true });
  });

  const start = (host: string) =>
    startBridge({
      dispatch: async () => ({ ok: true, value: null }),
      events: new EventBus(silentLogger),
      staticDir,
      host,
      logger: silentLogger,
    });

  it('throws for 0.0.0.0, :: and a LAN address before listening', async () => {
    await expect(start('0.0.0.0')).rejects.toThrow(/refusing to listen on "0\.0\.0\.0"/);
    await expect(start('::')).rejects.toThrow(/refusing to listen on "::"/);
    await expect(start('192.168.1.10')).rejects.toThrow(/refusing to listen on "192\.168\.1\.10"/);
  });

  it('listens on localhost as 127.0.0.1 and reports that literal address', async () => {
    const bridge = await start('localhost');
    try {
      expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{43}\/$/);
    } finally {
      await bridge.close();
    }
  });

  it('refuses a weak caller-chosen token and a missing static directory', async () => {
    await expect(
      startBridge({
        dispatch: async () => ({ ok: true, value: null }),
        events: new EventBus(silentLogger),
        staticDir,
        token: 'short',
        logger: silentLogger,
      }),
    ).rejects.toThrow(/at least 32 base64url/);
    await expect(
      startBridge({
        dispatch: async () => ({ ok: true, value: null }),
        events: new EventBus(silentLogger),
        staticDir: join(staticDir, 'missing'),
        logger: silentLogger,
      }),
    ).rejects.toThrow(/does not exist/);
  });
});
