import { SluiceError, type AuditTarget } from '@shared/contract';
import type { EnvironmentRules, Subject, SubjectKind } from '@shared/contract/define';
import type { AuditScope } from '../audit/scope';

/** What the guards need to know of an environment. */
export interface GuardedEnvironment {
  readonly id: string;
  readonly name: string;
  readonly readOnly: boolean;
  readonly production: boolean;
}

/** What a call's subject resolves to: where it acts, and how the audit record names it. */
export interface ResolvedSubject {
  /** Null only where the subject outlives its environment (an alert of a removed one). */
  readonly environment: GuardedEnvironment | null;
  /** Named in the record before any guard can refuse. */
  readonly targets?: readonly AuditTarget[];
  readonly jobId?: string;
}

/**
 * How the core finds each kind of subject, given by the domains that own
 * them. A resolver throws the domain's own error (NOT_FOUND) for a subject
 * that does not exist, so the caller sees what the handler would have said.
 */
export type SubjectResolvers = {
  [K in SubjectKind]: (subject: Extract<Subject, { kind: K }>) => ResolvedSubject;
};

/** What a handler may tell the guards of its call once it knows more than its input. */
export interface CallGuards {
  /**
   * Reports how many entries the call acts on and the subject's threshold;
   * throws DENIED when the channel's production confirmation asks for the
   * environment's name and it is missing or wrong. Channels whose
   * confirmation is "above-threshold" must call it before they act.
   */
  confirmCount(count: number, threshold: number): void;
}

/** Refuses every declared write in a read-only environment; the dispatcher audits the refusal. */
export function refuseIfReadOnly(environment: GuardedEnvironment, action: string): void {
  if (environment.readOnly) {
    throw new SluiceError(
      'DENIED',
      `environment "${environment.name}" is read-only: ${action} is not allowed`,
      { reason: 'read-only', environmentId: environment.id },
    );
  }
}

/** Refuses unless the operator typed the environment's name (the production guard). */
export function requireTypedName(
  environment: GuardedEnvironment,
  typedName: string | null,
  what: string,
  details: Record<string, unknown> = {},
): void {
  if (typedName !== null && typedName === environment.name) return;
  throw new SluiceError(
    'DENIED',
    `${what} in production environment "${environment.name}": ` +
      `type the environment's name to confirm`,
    {
      reason: typedName === null ? 'confirmation-required' : 'confirmation-mismatch',
      environmentName: environment.name,
      ...details,
    },
  );
}

/** The bulk rule, shared by the guard and by previews that show whether it will ask. */
export function bulkConfirmationRequired(
  environment: Pick<GuardedEnvironment, 'production'>,
  count: number,
  threshold: number,
): boolean {
  return environment.production && count > threshold;
}

/** One guarded call: its guards for the handler, and whether it kept its part. */
export interface GuardedCall {
  readonly guards: CallGuards;
  /** Throws when a count-dependent confirmation was declared but never reported. */
  settle(): void;
}

function misuse(channel: string): never {
  throw new Error(`${channel} reported a count but declares no count-dependent confirmation`);
}

/** For queries and mutations without an environment: nothing to confirm. */
export function unguardedCall(channel: string): GuardedCall {
  return { guards: { confirmCount: () => misuse(channel) }, settle: () => undefined };
}

/**
 * Resolves the call's subject, names it in the audit record, and applies the
 * guards the channel declares that its input alone decides (read-only, and
 * production confirmation asked of every call). Throws the refusal; the
 * dispatcher turns it into the call's result and its record.
 */
export function enterGuardedCall(
  channel: string,
  rules: EnvironmentRules<unknown>,
  input: unknown,
  subjects: SubjectResolvers | null,
  audit: AuditScope,
): GuardedCall {
  const confirmation = rules.confirmProduction;
  const countDependent = confirmation?.when === 'above-threshold' ? confirmation : null;
  // Without resolvers (a dispatcher built to test the audit path alone) nothing is resolved.
  const subject = subjects === null ? null : resolve(subjects, rules.environment(input));
  const environment = subject?.environment ?? null;
  if (subject) {
    if (environment) audit.environment({ id: environment.id, name: environment.name });
    if (subject.targets) audit.targets(subject.targets);
    if (subject.jobId !== undefined) audit.jobId(subject.jobId);
  }
  if (subject && environment === null && (rules.refuseReadOnly || confirmation)) {
    // A guarded subject always has an environment: fail closed rather than act unguarded.
    throw new Error(`${channel}: guarded subject resolved to no environment`);
  }
  if (environment && rules.refuseReadOnly !== undefined)
    refuseIfReadOnly(environment, rules.refuseReadOnly);
  if (environment?.production && confirmation?.when === 'always') {
    requireTypedName(environment, confirmation.typedName(input), confirmation.action(input));
  }
  let reported = false;
  return {
    guards: {
      confirmCount(count, threshold) {
        if (!countDependent) misuse(channel);
        reported = true;
        if (environment && bulkConfirmationRequired(environment, count, threshold)) {
          requireTypedName(
            environment,
            countDependent.typedName(input),
            `this acts on ${count} entries`,
            { count, threshold },
          );
        }
      },
    },
    settle() {
      if (countDependent && environment && !reported) {
        throw new Error(`${channel} finished without reporting its count to the guards`);
      }
    },
  };
}

function resolve(subjects: SubjectResolvers, subject: Subject): ResolvedSubject {
  // The mapped type pairs each kind with its resolver; TypeScript cannot follow the pairing.
  const resolver = subjects[subject.kind] as (subject: Subject) => ResolvedSubject;
  return resolver(subject);
}
