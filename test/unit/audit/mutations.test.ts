import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SluiceError,
  channelNames,
  channels,
  type ChannelName,
  type HandlerMap,
} from '@shared/contract';
import { AuditLog } from '../../../src-main/core/audit/auditLog';
import type { AuditRow } from '../../../src-main/core/audit/record';
import { createAuditRecorder } from '../../../src-main/core/audit/recorder';
import { silentLogger } from '@shared/log/logger';
import { createDispatcher, type HandlerContext } from '../../../src-main/core/rpc/dispatcher';
import { startTestCore, TEST_OPERATOR, type TestCore } from './coreHarness';
import type { PreparedCall } from './mutationScenario';
import { REDIS_PASSWORD, SASL_PASSWORD, mutationScenarios } from './mutationScenarios';
import { openAuditFixture, type AuditFixture } from './support';

const mutating = channelNames.filter((name) => channels[name].mutates);
const queries = channelNames.filter((name) => !channels[name].mutates);

let t: TestCore;

beforeAll(async () => {
  t = await startTestCore();
});

afterAll(async () => {
  await t.cleanup();
});

/** Runs one call and returns the audit records it added. */
async function recordsOf(channel: ChannelName, prepared: PreparedCall) {
  const before = t.records().length;
  const result = await t.core.dispatch(channel, prepared.input, { transport: 'ipc' });
  prepared.restore?.();
  return { result, added: t.records().slice(before) };
}

function onlyRecord(added: AuditRow[], channel: string): AuditRow {
  expect(added, `${channel} wrote ${added.length} audit records`).toHaveLength(1);
  const record = added[0]!;
  expect(record.action).toBe(channel);
  expect(record.os_user).toBe(TEST_OPERATOR.osUser);
  expect(record.host_name).toBe(TEST_OPERATOR.hostName);
  return record;
}

describe('every mutating channel is audited', () => {
  it('the contract has mutating channels, and each has success/failure scenarios here', () => {
    expect(mutating.length).toBeGreaterThan(0);
    const missing = mutating.filter((name) => !mutationScenarios[name]);
    expect(
      missing,
      `add scenarios for these mutating channels to test/unit/audit/mutationScenarios.ts`,
    ).toEqual([]);
  });

  describe.each(mutating)('%s', (channel) => {
    const scenario = () => {
      const found = mutationScenarios[channel];
      if (!found) throw new Error(`no audit scenario for ${channel}`);
      return found;
    };

    it('writes exactly one "ok" record on success', async () => {
      const { result, added } = await recordsOf(channel, await scenario().success(t));
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      const record = onlyRecord(added, channel);
      expect(record).toMatchObject({ result: 'ok', error_code: null, reason: null });
    });

    it('writes exactly one "failed" record with the error code and reason on failure', async () => {
      const prepared = await scenario().failure(t);
      const { result, added } = await recordsOf(channel, prepared);
      expect(result).toMatchObject({ ok: false, error: { code: prepared.code } });
      const record = onlyRecord(added, channel);
      expect(record).toMatchObject({ result: 'failed', error_code: prepared.code });
      expect(record.reason).toBeTruthy();
    });

    it('writes exactly one "failed" INVALID_INPUT record for malformed input', async () => {
      const { result, added } = await recordsOf(channel, { input: 42 });
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      const record = onlyRecord(added, channel);
      expect(record).toMatchObject({
        result: 'failed',
        error_code: 'INVALID_INPUT',
        parameters: '42',
      });
    });

    const realDenial = mutationScenarios[channel]?.denial;
    if (realDenial) {
      it('writes exactly one "denied" record when the call is denied', async () => {
        const { result, added } = await recordsOf(channel, await realDenial(t));
        expect(result).toMatchObject({ ok: false, error: { code: 'DENIED' } });
        const record = onlyRecord(added, channel);
        expect(record).toMatchObject({ result: 'denied', error_code: 'DENIED' });
      });
    }
  });
});

describe('denial, failure and broken output through the dispatcher, for every mutating channel', () => {
  // Most channels have no natural denial yet (read-only environments and
  // permissions come later): a handler map whose handler throws DENIED drives
  // the same dispatcher code path a real denial takes.
  let fx: AuditFixture;
  let handlers: HandlerMap<HandlerContext>;
  let behaviour: (channel: string) => Promise<never>;

  beforeAll(() => {
    fx = openAuditFixture();
    handlers = Object.fromEntries(
      channelNames.map((name) => [name, () => behaviour(name)]),
    ) as unknown as HandlerMap<HandlerContext>;
  });

  afterAll(() => fx.cleanup());

  function dispatcher() {
    const identity = () => ({ ...TEST_OPERATOR, displayName: 'Ada' });
    return createDispatcher(
      handlers,
      silentLogger,
      createAuditRecorder(fx.log, identity, silentLogger),
    );
  }

  function validInput(channel: ChannelName): unknown {
    return mutationScenarios[channel]?.sample;
  }

  async function added(channel: ChannelName): Promise<AuditRow[]> {
    const before = fx.log.head().seq;
    const input = validInput(channel);
    const result = await dispatcher()(channel, input, { transport: 'http' });
    expect(result.ok).toBe(false);
    return fx.db.prepare('SELECT * FROM audit_log WHERE seq > ?').all(before) as AuditRow[];
  }

  it.each(mutating)(
    '%s: a handler throwing SluiceError DENIED writes exactly one "denied" record',
    async (channel) => {
      expect(validInput(channel), `add a valid input for ${channel}`).toBeDefined();
      behaviour = async () => {
        throw new SluiceError('DENIED', 'environment is read-only');
      };
      const rows = await added(channel);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: channel,
        result: 'denied',
        error_code: 'DENIED',
        reason: 'environment is read-only',
      });
    },
  );

  it.each(mutating)(
    '%s: an unexpected error writes exactly one "failed" INTERNAL record without its text',
    async (channel) => {
      behaviour = async () => {
        throw new Error('driver said redis://:hunter2@db:6379 is down');
      };
      const rows = await added(channel);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ result: 'failed', error_code: 'INTERNAL' });
      expect(JSON.stringify(rows[0])).not.toContain('hunter2');
    },
  );

  it.each(mutating)(
    '%s: output that breaks the contract writes exactly one "failed" record',
    async (channel) => {
      behaviour = async () => ({ not: 'the contract' }) as never;
      const rows = await added(channel);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ result: 'failed', error_code: 'INTERNAL' });
    },
  );

  it('queries write no record, whatever their outcome', async () => {
    behaviour = async () => {
      throw new SluiceError('DENIED', 'no');
    };
    const before = fx.log.head().seq;
    for (const channel of queries) {
      await dispatcher()(channel, {}, { transport: 'ipc' });
      await dispatcher()(channel, 42, { transport: 'ipc' });
    }
    expect(fx.log.head().seq).toBe(before);
  });
});

describe('what the records hold', () => {
  it('environments.save records the environment, masked parameters and the before/after views', async () => {
    const created = await t.core.dispatch(
      'environments.save',
      {
        environment: {
          ...(
            (await mutationScenarios['environments.save']!.success(t)).input as {
              environment: object;
            }
          ).environment,
          name: 'audited',
        },
        acceptUnencryptedSecrets: true,
      },
      { transport: 'ipc' },
    );
    if (!created.ok) throw new Error(created.error.message);
    const view = created.value as { id: string; name: string };
    const edit = {
      environment: {
        id: view.id,
        name: view.name,
        colour: '#ff0000',
        redisUrl: `redis://:${REDIS_PASSWORD}-new@127.0.0.1:6379/0`,
      },
      acceptUnencryptedSecrets: true,
    };
    const { added } = await recordsOf('environments.save', { input: edit });
    const record = onlyRecord(added, 'environments.save');
    expect(record).toMatchObject({ environment_id: view.id, environment_name: view.name });
    expect(JSON.parse(record.targets)).toEqual([
      { type: 'environment', id: view.id, name: view.name },
    ]);
    expect(JSON.parse(record.before_json!)).toMatchObject({ colour: '#3366ff' });
    expect(JSON.parse(record.after_json!)).toMatchObject({ colour: '#ff0000' });
    expect(JSON.parse(record.parameters)).toMatchObject({
      environment: { redisUrl: 'redis://:********@127.0.0.1:6379/0' },
    });
    // No password in any audit record, nor anywhere in the store file.
    const all = JSON.stringify(t.records());
    for (const secret of [REDIS_PASSWORD, SASL_PASSWORD]) expect(all).not.toContain(secret);
    t.core.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(`${t.core.db.name}`).toString('latin1')).not.toContain(REDIS_PASSWORD);
  });

  it('settings.update records the operator name they acted under and the settings before and after', async () => {
    await t.core.dispatch('settings.update', { displayName: 'Before' }, { transport: 'ipc' });
    const { added } = await recordsOf('settings.update', { input: { displayName: 'After' } });
    const record = onlyRecord(added, 'settings.update');
    expect(record.display_name).toBe('Before');
    expect(JSON.parse(record.targets)).toEqual([{ type: 'setting', id: 'displayName' }]);
    expect(JSON.parse(record.before_json!)).toMatchObject({ displayName: 'Before' });
    expect(JSON.parse(record.after_json!)).toMatchObject({ displayName: 'After' });
  });

  it('environments.remove records what was removed', async () => {
    const prepared = await mutationScenarios['environments.remove']!.success(t);
    const { added } = await recordsOf('environments.remove', prepared);
    const record = onlyRecord(added, 'environments.remove');
    expect(record.environment_name).toBe('doomed');
    expect(JSON.parse(record.before_json!)).toMatchObject({ name: 'doomed' });
    expect(record.after_json).toBeNull();
  });

  it('the log written through the core verifies, and audit.query pages through it', async () => {
    const verified = await t.core.dispatch('audit.verify', {}, { transport: 'ipc' });
    expect(verified).toMatchObject({ ok: true, value: { ok: true } });
    const count = t.records().length;
    expect(count).toBeGreaterThan(10);
    const seen: number[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await t.core.dispatch(
        'audit.query',
        { limit: 4, ...(cursor ? { cursor } : {}) },
        { transport: 'ipc' },
      );
      if (!page.ok) throw new Error(page.error.message);
      const value = page.value as { records: { seq: number }[]; nextCursor: number | null };
      seen.push(...value.records.map((r) => r.seq));
      if (value.nextCursor === null) break;
      cursor = value.nextCursor;
    }
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => count - i));
    const one = await t.core.dispatch('audit.get', { seq: 1 }, { transport: 'ipc' });
    expect(one).toMatchObject({ ok: true, value: { seq: 1 } });
    expect(await new AuditLog(t.core.db).verify()).toMatchObject({ ok: true, count });
  });
});
