import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, channels, type ChannelName } from '@shared/contract';
import { startTestCore, type TestCore } from '../audit/coreHarness';
import { deadLetterMutationScenarios } from './auditScenarios';

let t: TestCore;

beforeAll(async () => {
  t = await startTestCore();
});

afterAll(async () => {
  await t.cleanup();
});

type AuditRow = {
  action: string;
  result: string;
  error_code: string | null;
  environment_id?: string | null;
};

async function recordsOf(channel: ChannelName, input: unknown) {
  const before = t.records().length;
  const result = await t.core.dispatch(channel, input, { transport: 'ipc' });
  return { result, added: t.records().slice(before) as unknown as AuditRow[] };
}

describe('dead-letter audit scenarios', () => {
  it('cover every mutating dead-letter channel', () => {
    const mine = channelNames.filter(
      (name) => name.startsWith('deadletters.') && channels[name].mutates,
    );
    expect(Object.keys(deadLetterMutationScenarios).sort()).toEqual([...mine].sort());
  });

  describe.each(Object.keys(deadLetterMutationScenarios))('%s', (name) => {
    const channel = name as ChannelName;
    const scenario = deadLetterMutationScenarios[name]!;

    it('succeeds with one ok record', async () => {
      const prepared = await scenario.success(t);
      const { result, added } = await recordsOf(channel, prepared.input);
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ action: channel, result: 'ok' });
    });

    it('fails with its code and one failed record', async () => {
      const prepared = await scenario.failure(t);
      const { result, added } = await recordsOf(channel, prepared.input);
      expect(result).toMatchObject({ ok: false, error: { code: prepared.code } });
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ result: 'failed', error_code: prepared.code });
    });

    if (scenario.denial) {
      it('is denied in a read-only environment, with one denied record', async () => {
        const prepared = await scenario.denial!(t);
        const { result, added } = await recordsOf(channel, prepared.input);
        expect(result).toMatchObject({ ok: false, error: { code: 'DENIED' } });
        expect(added).toHaveLength(1);
        expect(added[0]).toMatchObject({ result: 'denied', error_code: 'DENIED' });
      });
    }
  });
});
