import { z } from 'zod';
import {
  SluiceError,
  channels,
  isChannelName,
  type ChannelName,
  type HandlerMap,
  type WireResult,
} from '../../../src-preload/contract';
import type { Logger } from '../log/logger';

/** Who is calling: the transport the call came in on. */
export interface CallContext {
  readonly transport: 'ipc' | 'http' | 'internal';
}

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
 */
export function createDispatcher(handlers: HandlerMap<CallContext>, logger: Logger): Dispatch {
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
    try {
      const handler = handlers[channel] as (input: unknown, ctx: CallContext) => Promise<unknown>;
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
}

export function assertHandlersComplete(
  handlers: Partial<HandlerMap<CallContext>>,
): asserts handlers is HandlerMap<CallContext> {
  const missing = (Object.keys(channels) as ChannelName[]).filter(
    (name) => typeof handlers[name] !== 'function',
  );
  if (missing.length > 0) throw new Error(`handlers missing for channels: ${missing.join(', ')}`);
}

/** The slice of the handler map one domain implements. */
export type HandlersFor<K extends ChannelName> = Pick<HandlerMap<CallContext>, K>;
