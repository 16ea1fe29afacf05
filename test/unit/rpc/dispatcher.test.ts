import { describe, expect, it, vi } from 'vitest';
import { SluiceError, channelNames, channels, type HandlerMap } from '@shared/contract';
import { createDispatcher, type CallContext } from '../../../src-main/core/rpc/dispatcher';
import { silentLogger } from '@shared/log/logger';
import { IGNORED_AUDIT_SCOPE, type AuditRecorder } from '../../../src-main/core/audit/scope';

function spyHandlers(impl?: (channel: string) => unknown) {
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    channelNames.map((name) => [
      name,
      vi.fn(async () => {
        calls.push(name);
        if (impl) return impl(name);
        throw new Error('should not be reached');
      }),
    ]),
  ) as unknown as HandlerMap<CallContext>;
  return { handlers, calls };
}

const malformedInputs: unknown[] = [42, 'text', null, [1, 2], true, { __unexpected__: 1 }];
const ctx: CallContext = { transport: 'internal' };
// Audit records are covered by test/unit/audit; these tests only need a recorder.
const noAudit: AuditRecorder = {
  begin: () => ({ scope: IGNORED_AUDIT_SCOPE, finish: () => undefined }),
};

describe('dispatcher', () => {
  it('every channel in the contract has an object input schema', () => {
    expect(channelNames.length).toBeGreaterThan(0);
    for (const name of channelNames) {
      expect(channels[name].input.safeParse(42).success, name).toBe(false);
    }
  });

  it.each(channelNames)(
    '%s rejects malformed input with INVALID_INPUT without calling its handler',
    async (name) => {
      const { handlers, calls } = spyHandlers();
      const dispatch = createDispatcher(handlers, silentLogger, noAudit);
      for (const input of malformedInputs) {
        const result = await dispatch(name, input, ctx);
        expect(result.ok, `${name} accepted ${JSON.stringify(input)}`).toBe(false);
        if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT');
      }
      expect(calls).toEqual([]);
    },
  );

  it('rejects an unknown channel with INVALID_INPUT', async () => {
    const dispatch = createDispatcher(spyHandlers().handlers, silentLogger, noAudit);
    const result = await dispatch('no.such.channel', {}, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const proto = await dispatch('__proto__', {}, ctx);
    expect(proto).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('passes a SluiceError through as data and hides unknown errors as INTERNAL', async () => {
    const { handlers } = spyHandlers();
    handlers['settings.get'] = async () => {
      throw new SluiceError('NOT_FOUND', 'gone', { id: 1 });
    };
    handlers['app.info'] = async () => {
      throw new Error('connect ECONNREFUSED redis://:hunter2@db:6379');
    };
    const dispatch = createDispatcher(handlers, silentLogger, noAudit);
    expect(await dispatch('settings.get', {}, ctx)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'gone', details: { id: 1 } },
    });
    const hidden = await dispatch('app.info', {}, ctx);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(hidden)).not.toContain('hunter2');
  });

  it('refuses output that breaks the contract', async () => {
    const { handlers } = spyHandlers();
    handlers['settings.get'] = async () => ({ displayName: 'x', theme: 'purple' }) as never;
    const dispatch = createDispatcher(handlers, silentLogger, noAudit);
    expect(await dispatch('settings.get', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });

  it('returns parsed output with defaults applied on success', async () => {
    const { handlers } = spyHandlers();
    handlers['settings.update'] = async (patch) => ({
      displayName: patch.displayName ?? '',
      theme: 'dark',
    });
    const dispatch = createDispatcher(handlers, silentLogger, noAudit);
    expect(await dispatch('settings.update', { displayName: '  Ada ' }, ctx)).toEqual({
      ok: true,
      value: { displayName: 'Ada', theme: 'dark' },
    });
  });
});
