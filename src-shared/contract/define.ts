import type { z } from 'zod';

/**
 * What a mutating call acts on, found in its parsed input. The core resolves
 * each kind to the environment it belongs to (and the audit targets that name
 * it), so the dispatcher can refuse and audit before the handler runs.
 */
export type Subject =
  | { readonly kind: 'environment'; readonly environmentId: string }
  | { readonly kind: 'dead-letter-source'; readonly sourceId: string }
  | { readonly kind: 'dead-letter'; readonly sourceId: string; readonly key: string }
  | { readonly kind: 'replay-job'; readonly jobId: string }
  | {
      readonly kind: 'consumer-group';
      readonly environmentId: string;
      readonly groupId: string;
      readonly topic: string | null;
    }
  | { readonly kind: 'alert'; readonly alertId: string };

export type SubjectKind = Subject['kind'];

/**
 * The production guard: in a production environment the operator types the
 * environment's name. "always" asks it of every call, before the handler runs;
 * "above-threshold" only of calls acting on more entries than the subject's
 * threshold, which only the handler can count: it reports the count through
 * its call context and the dispatcher decides there.
 */
export type ProductionConfirmation<I> =
  | {
      readonly when: 'always';
      typedName(input: I): string | null;
      /** Names the action in the refusal ("resetting offsets of …"). */
      action(input: I): string;
    }
  | {
      readonly when: 'above-threshold';
      typedName(input: I): string | null;
    };

/** A mutation that acts in one environment, and the guards the dispatcher applies there. */
export interface EnvironmentRules<I> {
  environment(input: I): Subject;
  /** Refused in a read-only environment; names the action in the refusal ("discard"). */
  readonly refuseReadOnly?: string;
  readonly confirmProduction?: ProductionConfirmation<I>;
}

/** A mutation that acts in no environment, and why (checked by a test). */
export interface NoEnvironment {
  readonly environment: null;
  readonly because: string;
}

export type MutationRules<I> = EnvironmentRules<I> | NoEnvironment;

/**
 * A channel is one request/response call. `mutates` marks channels that change
 * state: they are audited, and `rules` says where their environment is and
 * which guards apply there; queries leave everything as it was.
 */
export interface ChannelSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly mutates: boolean;
  readonly summary: string;
  /** Null for queries; every mutation states its rules (no environment is a stated choice). */
  readonly rules: MutationRules<z.output<I>> | null;
}

export function query<I extends z.ZodType, O extends z.ZodType>(
  summary: string,
  input: I,
  output: O,
): ChannelSpec<I, O> {
  return { input, output, mutates: false, summary, rules: null };
}

export function mutation<I extends z.ZodType, O extends z.ZodType>(
  summary: string,
  input: I,
  output: O,
  rules: MutationRules<z.output<I>>,
): ChannelSpec<I, O> {
  return { input, output, mutates: true, summary, rules };
}

/** The rules of a channel that declares an environment, or null. */
export function environmentRules(spec: ChannelSpec): EnvironmentRules<unknown> | null {
  const rules = spec.rules as MutationRules<unknown> | null;
  return rules !== null && rules.environment !== null ? (rules as EnvironmentRules<unknown>) : null;
}
