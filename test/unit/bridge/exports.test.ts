import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_TOKEN_HEADER, httpExportPath } from '@shared/contract';
import { OUTSIDE_SECRET, rawRequest, startTestBridge, type TestBridge } from './harness';

const REPORT = 'seq,action\n1,environments.save\n';

describe('bridge export downloads', () => {
  let t: TestBridge;
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'sluice-exports-'));
    const exportsDir = join(base, 'exports');
    await mkdir(exportsDir);
    await writeFile(join(exportsDir, 'sluice-audit-1.csv'), REPORT);
    await writeFile(join(base, 'secret.txt'), OUTSIDE_SECRET);
    await symlink(join(base, 'secret.txt'), join(exportsDir, 'escape.csv'));
    t = await startTestBridge({ exportsDir });
  });
  afterAll(async () => {
    await t.dispose();
    await rm(base, { recursive: true, force: true });
  });
  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(t.bridge.port, { path, headers });

  it('serves a file of the exports folder as an attachment with the token header', async () => {
    const response = await get(httpExportPath('sluice-audit-1.csv'), {
      [HTTP_TOKEN_HEADER]: t.bridge.token,
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="sluice-audit-1.csv"',
    );
    expect(response.body).toBe(REPORT);
  });

  it('refuses a download without the token', async () => {
    expect((await get(httpExportPath('sluice-audit-1.csv'))).status).toBe(403);
  });

  it('never serves anything outside the exports folder', async () => {
    for (const name of [
      '../secret.txt',
      '..%2Fsecret.txt',
      'escape.csv',
      '.hidden',
      'missing.csv',
    ]) {
      const response = await get(`/api/exports/${name}`, { [HTTP_TOKEN_HEADER]: t.bridge.token });
      expect(response.status, name).toBe(404);
      expect(response.body).not.toContain(OUTSIDE_SECRET);
    }
  });
});
