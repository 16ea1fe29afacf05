import type { z } from 'zod';

/**
 * A channel is one request/response call. `mutates` marks channels that change
 * state (they are audited and refused in read-only environments where they
 * touch one); queries leave everything as it was.
 */
export interface ChannelSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly mutates: boolean;
  readonly summary: string;
}

export function query<I extends z.ZodType, O extends z.ZodType>(
  summary: string,
  input: I,
  output: O,
): ChannelSpec<I, O> {
  return { input, output, mutates: false, summary };
}

export function mutation<I extends z.ZodType, O extends z.ZodType>(
  summary: string,
  input: I,
  output: O,
): ChannelSpec<I, O> {
  return { input, output, mutates: true, summary };
}
