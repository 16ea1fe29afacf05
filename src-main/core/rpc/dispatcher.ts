import type { z } from 'zod';
import {
  SluiceError,
  channels,
  isChannelName,
  type ChannelName,
  type HandlerMap,
  type WireResult,
} from '@shared/contract';
import type { Logger } from '@shared/log/logger';
import { IGNORED_AUDIT_SCOPE, type AuditRecorder, type AuditScope } from '../audit/scope';

/** Who is calling: the transport the call came in on. */
export interface CallContext {
  readonly transport: 'ipc' | 'http' | 'internal';
}

/** What a handler receives: the call context and the audit scope of its call. */
export type HandlerContext = CallContext & { readonly audit: AuditScope };

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
 * ends, whatever the outcome (ok, denied, failed, including invalid input);
 * its handler fills in the details through ctx.audit.
 */
export function createDispatcher(
  handlers: HandlerMap<HandlerContext>,
  logger: Logger,
  audit: AuditRecorder,
): Dispatch {
  const run = async (
    channel: ChannelName,
    rawInput: unknown,
    ctx: HandlerContext,
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
      const handler = handlers[channel] as (
        input: unknown,
        ctx: HandlerContext,
      ) => Promise<unknown>;
      const value = await handler(parsed.data, ctx);
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
