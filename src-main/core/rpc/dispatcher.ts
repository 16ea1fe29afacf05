import type { z } from 'zod';
import {
  SluiceError,
  channels,
  isChannelName,
  type ChannelName,
  type HandlerMap,
  type WireResult,
} from '@shared/contract';
import { environmentRules } from '@shared/contract/define';
import type { Logger } from '@shared/log/logger';
import { IGNORED_AUDIT_SCOPE, type AuditRecorder, type AuditScope } from '../audit/scope';
import {
  enterGuardedCall,
  unguardedCall,
  type CallGuards,
  type GuardedCall,
  type SubjectResolvers,
} from './guards';

/** Who is calling: the transport the call came in on. */
export interface CallContext {
  readonly transport: 'ipc' | 'http' | 'internal';
}

/** What a handler receives: the call context, the audit scope and the guards of its call. */
export type HandlerContext = CallContext & {
  readonly audit: AuditScope;
  readonly guards: CallGuards;
};

export type Dispatch = (
  channel: string,
  rawInput: unknown,
  ctx: CallContext,
) => Promise<WireResult>;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

/**
 * Turns the typed handler map into the one function both transports call:
 * unknown channel and unparseable input become INVALID_INPUT, a thrown
 * SluiceError crosses as its data, anything else becomes INTERNAL with a
 * generic message (the original goes to the log, never to the caller, since
 * driver errors can carry connection strings).
 *
 * Every call of a mutating channel writes exactly one audit record when it
 * ends, whatever the outcome (ok, denied, failed, including invalid input).
 * One rule fills it: the dispatcher names the environment and the subject
 * the channel's rules locate in its input, before anything can refuse;
 * handlers add their domain's details (more targets, before and after, job
 * ids) through ctx.audit.
 *
 * The guards a mutation declares are applied here too, once the subject is
 * resolved and before its handler runs: read-only refusal, and production
 * confirmation by typed name. A confirmation that depends on how many
 * entries the call acts on is decided through ctx.guards when the handler
 * has counted them, and a handler that returns without reporting its count
 * fails. `subjects` is how the core finds environments; a dispatcher built
 * without it resolves nothing and guards nothing (tests of the audit path).
 */
export function createDispatcher(
  handlers: HandlerMap<HandlerContext>,
  logger: Logger,
  audit: AuditRecorder,
  subjects?: SubjectResolvers,
): Dispatch {
  const run = async (
    channel: ChannelName,
    rawInput: unknown,
    ctx: CallContext & { readonly audit: AuditScope },
    onParsed: (input: unknown) => void,
  ): Promise<WireResult> => {
    const spec = channels[channel];
    const parsed = spec.input.safeParse(rawInput === undefined ? {} : rawInput);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: `invalid input for ${channel}: ${describeIssues(parsed.error)}`,
          details: {
            issues: parsed.error.issues.map((i) => ({
              path: i.path.map(String),
              message: i.message,
            })),
          },
        },
      };
    }
    onParsed(parsed.data);
    try {
      const rules = environmentRules(spec);
      const call: GuardedCall = rules
        ? enterGuardedCall(channel, rules, parsed.data, subjects ?? null, ctx.audit)
        : unguardedCall(channel);
      const handler = handlers[channel] as (
        input: unknown,
        ctx: HandlerContext,
      ) => Promise<unknown>;
      const value = await handler(parsed.data, { ...ctx, guards: call.guards });
      call.settle();
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        logger.error('handler returned output that breaks the contract', {
          channel,
          issues: describeIssues(checked.error),
        });
        return { ok: false, error: { code: 'INTERNAL', message: `internal error in ${channel}` } };
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      if (error instanceof SluiceError) return { ok: false, error: error.toData() };
      logger.error('handler failed', { channel, error });
      return { ok: false, error: { code: 'INTERNAL', message: `internal error in ${channel}` } };
    }
  };

  return async (channel, rawInput, ctx) => {
    if (!isChannelName(channel)) {
      return {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: `unknown channel "${String(channel).slice(0, 100)}"`,
        },
      };
    }
    if (!channels[channel].mutates) {
      return run(channel, rawInput, { ...ctx, audit: IGNORED_AUDIT_SCOPE }, () => undefined);
    }
    const call = audit.begin(channel, ctx.transport);
    let input = rawInput;
    let result: WireResult = {
      ok: false,
      error: { code: 'INTERNAL', message: `internal error in ${channel}` },
    };
    try {
      result = await run(channel, rawInput, { ...ctx, audit: call.scope }, (parsedInput) => {
        input = parsedInput;
      });
      return result;
    } finally {
      call.finish(input, result);
    }
  };
}

export function assertHandlersComplete(
  handlers: Partial<HandlerMap<HandlerContext>>,
): asserts handlers is HandlerMap<HandlerContext> {
  const missing = (Object.keys(channels) as ChannelName[]).filter(
    (name) => typeof handlers[name] !== 'function',
  );
  if (missing.length > 0) throw new Error(`handlers missing for channels: ${missing.join(', ')}`);
}

/** The slice of the handler map one domain implements. */
export type HandlersFor<K extends ChannelName> = Pick<HandlerMap<HandlerContext>, K>;
