/**
 * The dispatcher applies the guards each mutation declares in the contract,
 * for every channel that declares them, with stand-in handlers and subjects:
 * what is proven here is the dispatcher's part alone. The real domains'
 * refusals through a whole core are test/unit/audit and test/unit/deadletters.
 */
import { describe, expect, it } from 'vitest';
import {
  SluiceError,
  channelNames,
  channels,
  type ChannelName,
  type HandlerMap,
  type WireResult,
} from '@shared/contract';
import { environmentRules, type SubjectKind } from '@shared/contract/define';
import { silentLogger } from '@shared/log/logger';
import {
  createAuditScope,
  type AuditRecorder,
  type AuditScopeState,
} from '../../../src-main/core/audit/scope';
import { createDispatcher, type HandlerContext } from '../../../src-main/core/rpc/dispatcher';
import type {
  GuardedEnvironment,
  ResolvedSubject,
  SubjectResolvers,
} from '../../../src-main/core/rpc/guards';
import { mutationScenarios } from '../audit/mutationScenarios';

const declared = channelNames.filter((name) => environmentRules(channels[name]) !== null);
const readOnlyGuarded = declared.filter((name) => environmentRules(channels[name])!.refuseReadOnly);
const alwaysConfirmed = declared.filter(
  (name) => environmentRules(channels[name])!.confirmProduction?.when === 'always',
);
const countConfirmed = declared.filter(
  (name) => environmentRules(channels[name])!.confirmProduction?.when === 'above-threshold',
);

/** The input field each confirming channel takes the typed name from. */
const TYPED_NAME_FIELD: Partial<Record<ChannelName, string>> = {
  'kafka.offsets.reset': 'confirmName',
  'deadletters.replay': 'confirmEnvironmentName',
  'deadletters.discard': 'confirmEnvironmentName',
};

const KINDS: SubjectKind[] = [
  'environment',
  'dead-letter-source',
  'dead-letter',
  'replay-job',
  'consumer-group',
  'alert',
];

function environment(flags: Partial<GuardedEnvironment> = {}): GuardedEnvironment {
  return { id: 'env-1', name: 'Prod-EU', readOnly: false, production: false, ...flags };
}

/** Every subject resolves to `resolved`; the subjects asked for are kept. */
function subjects(resolved: () => ResolvedSubject) {
  const asked: SubjectKind[] = [];
  const resolvers = Object.fromEntries(
    KINDS.map((kind) => [
      kind,
      () => {
        asked.push(kind);
        return resolved();
      },
    ]),
  ) as unknown as SubjectResolvers;
  return { resolvers, asked };
}

interface Finished {
  state: AuditScopeState;
  result: WireResult;
}

function recorder() {
  const records: Finished[] = [];
  const audit: AuditRecorder = {
    begin: () => {
      const { scope, state } = createAuditScope();
      return { scope, finish: (_input, result) => records.push({ state, result }) };
    },
  };
  return { audit, records };
}

type StandIn = (input: unknown, ctx: HandlerContext) => Promise<unknown>;

function dispatcherWith(handler: StandIn, resolved: () => ResolvedSubject) {
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    channelNames.map((name) => [
      name,
      async (input: unknown, ctx: HandlerContext) => {
        calls.push(name);
        return handler(input, ctx);
      },
    ]),
  ) as unknown as HandlerMap<HandlerContext>;
  const { audit, records } = recorder();
  const found = subjects(resolved);
  return {
    dispatch: createDispatcher(handlers, silentLogger, audit, found.resolvers),
    calls,
    records,
    asked: found.asked,
  };
}

function sample(channel: ChannelName, extra: Record<string, unknown> = {}): unknown {
  const input = mutationScenarios[channel]?.sample;
  expect(input, `a sample input for ${channel}`).toBeDefined();
  return { ...(input as object), ...extra };
}

/** Ends a handler that got past the guards without having to build a valid output. */
const PASSED = new SluiceError('CONFLICT', 'stand-in handler reached');

describe('guards the dispatcher applies from the contract', () => {
  it('the contract declares guards on the channels that act on servers or dead letters', () => {
    expect(readOnlyGuarded.length).toBeGreaterThan(0);
    expect([...alwaysConfirmed, ...countConfirmed].sort()).toEqual(
      Object.keys(TYPED_NAME_FIELD).sort(),
    );
  });

  it.each(readOnlyGuarded)(
    '%s: refused in a read-only environment before its handler runs, the refusal audited',
    async (channel) => {
      const action = environmentRules(channels[channel])!.refuseReadOnly!;
      const guarded = environment({ readOnly: true, name: 'ro-env' });
      const { dispatch, calls, records } = dispatcherWith(
        async () => {
          throw PASSED;
        },
        () => ({ environment: guarded, targets: [{ type: 'thing', id: 't-1' }] }),
      );
      const result = await dispatch(channel, sample(channel), { transport: 'ipc' });
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'DENIED',
          message: `environment "ro-env" is read-only: ${action} is not allowed`,
          details: { reason: 'read-only', environmentId: 'env-1' },
        },
      });
      expect(calls).toEqual([]);
      expect(records).toHaveLength(1);
      expect(records[0]!.state).toMatchObject({
        environment: { id: 'env-1', name: 'ro-env' },
        targets: [{ type: 'thing', id: 't-1' }],
      });
    },
  );

  it.each(readOnlyGuarded)('%s: runs its handler in a writable environment', async (channel) => {
    const { dispatch, calls } = dispatcherWith(
      async () => {
        throw PASSED;
      },
      () => ({ environment: environment() }),
    );
    const result = await dispatch(channel, sample(channel), { transport: 'ipc' });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(calls).toEqual([channel]);
  });

  it.each(alwaysConfirmed)(
    '%s: in production, refused before its handler unless the name is typed exactly',
    async (channel) => {
      const field = TYPED_NAME_FIELD[channel]!;
      const { dispatch, calls } = dispatcherWith(
        async () => {
          throw PASSED;
        },
        () => ({ environment: environment({ production: true }) }),
      );
      const missing = await dispatch(channel, sample(channel), { transport: 'ipc' });
      expect(missing).toMatchObject({
        ok: false,
        error: {
          code: 'DENIED',
          details: { reason: 'confirmation-required', environmentName: 'Prod-EU' },
        },
      });
      expect(!missing.ok && missing.error.message).toMatch(
        /in production environment "Prod-EU": type the environment's name to confirm$/,
      );
      const wrong = await dispatch(channel, sample(channel, { [field]: 'prod-eu' }), {
        transport: 'ipc',
      });
      expect(wrong).toMatchObject({
        ok: false,
        error: { code: 'DENIED', details: { reason: 'confirmation-mismatch' } },
      });
      expect(calls).toEqual([]);
      const typed = await dispatch(channel, sample(channel, { [field]: 'Prod-EU' }), {
        transport: 'ipc',
      });
      expect(typed).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(calls).toEqual([channel]);
    },
  );

  it.each(countConfirmed)(
    '%s: in production, a count above the threshold needs the typed name; at or under it does not',
    async (channel) => {
      const field = TYPED_NAME_FIELD[channel]!;
      let count = 0;
      const { dispatch } = dispatcherWith(
        async (_input, ctx) => {
          ctx.guards.confirmCount(count, 5);
          throw PASSED;
        },
        () => ({ environment: environment({ production: true }) }),
      );
      count = 6;
      const missing = await dispatch(channel, sample(channel), { transport: 'ipc' });
      expect(missing).toEqual({
        ok: false,
        error: {
          code: 'DENIED',
          message:
            'this acts on 6 entries in production environment "Prod-EU": ' +
            "type the environment's name to confirm",
          details: {
            reason: 'confirmation-required',
            environmentName: 'Prod-EU',
            count: 6,
            threshold: 5,
          },
        },
      });
      const wrong = await dispatch(channel, sample(channel, { [field]: 'x' }), {
        transport: 'ipc',
      });
      expect(wrong).toMatchObject({ error: { details: { reason: 'confirmation-mismatch' } } });
      const typed = await dispatch(channel, sample(channel, { [field]: 'Prod-EU' }), {
        transport: 'ipc',
      });
      expect(typed).toMatchObject({ error: { code: 'CONFLICT' } });
      count = 5;
      const under = await dispatch(channel, sample(channel), { transport: 'ipc' });
      expect(under).toMatchObject({ error: { code: 'CONFLICT' } });
    },
  );

  it.each(countConfirmed)('%s: outside production no count asks for the name', async (channel) => {
    const { dispatch } = dispatcherWith(
      async (_input, ctx) => {
        ctx.guards.confirmCount(1_000_000, 5);
        throw PASSED;
      },
      () => ({ environment: environment() }),
    );
    const result = await dispatch(channel, sample(channel), { transport: 'ipc' });
    expect(result).toMatchObject({ error: { code: 'CONFLICT' } });
  });

  it.each(countConfirmed)(
    '%s: a handler that returns without reporting its count fails, and is audited',
    async (channel) => {
      const { dispatch, records } = dispatcherWith(
        async () => ({}),
        () => ({ environment: environment({ production: true }) }),
      );
      const result = await dispatch(channel, sample(channel), { transport: 'ipc' });
      expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(records).toHaveLength(1);
    },
  );

  it('a channel that declares no count-dependent confirmation cannot report a count', async () => {
    const channel = readOnlyGuarded.find((name) => !countConfirmed.includes(name))!;
    const { dispatch } = dispatcherWith(
      async (_input, ctx) => {
        ctx.guards.confirmCount(1, 0);
        throw PASSED;
      },
      () => ({ environment: environment() }),
    );
    const result = await dispatch(channel, sample(channel), { transport: 'ipc' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it.each(declared)(
    '%s: its subject is resolved first; a missing one fails as the domain says, handler not run',
    async (channel) => {
      const { dispatch, calls, records, asked } = dispatcherWith(
        async () => {
          throw PASSED;
        },
        () => {
          throw new SluiceError('NOT_FOUND', 'no such thing');
        },
      );
      const result = await dispatch(channel, sample(channel), { transport: 'ipc' });
      expect(result).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no such thing' } });
      expect(asked).toEqual([
        environmentRules(channels[channel])!.environment(
          channels[channel].input.parse(sample(channel)),
        ).kind,
      ]);
      expect(calls).toEqual([]);
      expect(records).toHaveLength(1);
    },
  );

  it.each(declared)(
    '%s: the environment and subject are named in the record, the handler adds the rest',
    async (channel) => {
      const { dispatch, records } = dispatcherWith(
        async (_input, ctx) => {
          ctx.audit.targets([{ type: 'extra', id: 'e-1' }]);
          throw PASSED;
        },
        () => ({
          environment: environment(),
          targets: [{ type: 'subject', id: 's-1' }],
          jobId: 'job-1',
        }),
      );
      await dispatch(channel, sample(channel), { transport: 'ipc' });
      expect(records[0]!.state).toMatchObject({
        environment: { id: 'env-1', name: 'Prod-EU' },
        targets: [
          { type: 'subject', id: 's-1' },
          { type: 'extra', id: 'e-1' },
        ],
        jobId: 'job-1',
      });
    },
  );

  it.each(readOnlyGuarded)(
    '%s: a guarded subject that resolves to no environment fails closed',
    async (channel) => {
      const { dispatch, calls } = dispatcherWith(
        async () => {
          throw PASSED;
        },
        () => ({ environment: null }),
      );
      const result = await dispatch(channel, sample(channel), { transport: 'ipc' });
      expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(calls).toEqual([]);
    },
  );

  it('queries resolve nothing and are never refused', async () => {
    const { dispatch, asked } = dispatcherWith(
      async () => {
        throw PASSED;
      },
      () => ({ environment: environment({ readOnly: true, production: true }) }),
    );
    for (const channel of channelNames.filter((name) => !channels[name].mutates)) {
      const result = await dispatch(channel, {}, { transport: 'ipc' });
      if (!result.ok) expect(result.error.code).not.toBe('DENIED');
    }
    expect(asked).toEqual([]);
  });
});
