import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from './coreHarness';

const ctx = { transport: 'ipc' as const };
let t: TestCore | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('audit export destination', () => {
  it('writes into the exports folder and marks the file downloadable without a save dialog', async () => {
    t = await startTestCore();
    const result = await t.core.dispatch('audit.export', { format: 'csv' }, ctx);
    expect(result).toMatchObject({ ok: true, value: { downloadable: true } });
    if (!result.ok) return;
    const value = result.value as { path: string; fileName: string };
    expect(value.path).toBe(join(t.dir, 'exports', value.fileName));
    expect(existsSync(value.path)).toBe(true);
  });

  it('writes where the save dialog says, and records a cancelled dialog as denied', async () => {
    const chosen: (string | null)[] = [];
    let answer: string | null = null;
    t = await startTestCore({
      chooseSavePath: async (name) => {
        chosen.push(name);
        return answer;
      },
    });
    answer = join(t.dir, 'chosen-report.csv');
    const saved = await t.core.dispatch('audit.export', { format: 'csv' }, ctx);
    expect(saved).toMatchObject({
      ok: true,
      value: { path: answer, fileName: 'chosen-report.csv', downloadable: false },
    });
    expect(readFileSync(answer, 'utf8')).toContain('seq');
    expect(chosen[0]).toMatch(/^sluice-audit-.*\.csv$/);

    answer = null;
    const cancelled = await t.core.dispatch('audit.export', { format: 'pdf' }, ctx);
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'DENIED' } });
    expect(existsSync(join(t.dir, 'exports')) ? readdirSync(join(t.dir, 'exports')) : []).toEqual(
      [],
    );
    const last = t.records().at(-1)!;
    expect(last).toMatchObject({ action: 'audit.export', result: 'denied' });
  });
});
