import type { AuditTarget, WireResult } from '@shared/contract';
import { auditJson } from './masking';
import { PreparedAuditJson } from './record';

/**
 * What a handler of a mutating channel may tell the audit record about its
 * call. Values are masked and copied when given, so later changes to the
 * objects do not leak into the record. Calling nothing is fine: the record
 * then holds the action, the parameters and the result.
 */
export interface AuditScope {
  environment(environment: { id: string; name: string } | null): void;
  /** Adds targets (call it as often as needed). */
  targets(targets: readonly AuditTarget[]): void;
  before(value: unknown): void;
  after(value: unknown): void;
  jobId(id: string): void;
}

/** What a scope collected by the time its call ended. */
export interface AuditScopeState {
  environment: { id: string; name: string } | null;
  targets: AuditTarget[];
  before: PreparedAuditJson | undefined;
  after: PreparedAuditJson | undefined;
  jobId: string | null;
}

export function createAuditScope(): { scope: AuditScope; state: AuditScopeState } {
  const state: AuditScopeState = {
    environment: null,
    targets: [],
    before: undefined,
    after: undefined,
    jobId: null,
  };
  const scope: AuditScope = {
    environment: (environment) => {
      state.environment = environment ? { id: environment.id, name: environment.name } : null;
    },
    targets: (targets) => {
      for (const target of targets) state.targets.push({ ...target });
    },
    before: (value) => {
      state.before = value === undefined ? undefined : new PreparedAuditJson(auditJson(value));
    },
    after: (value) => {
      state.after = value === undefined ? undefined : new PreparedAuditJson(auditJson(value));
    },
    jobId: (id) => {
      state.jobId = id;
    },
  };
  return { scope, state };
}

/** The scope queries receive: they write no record, so whatever they say is dropped. */
export const IGNORED_AUDIT_SCOPE: AuditScope = Object.freeze({
  environment: () => undefined,
  targets: () => undefined,
  before: () => undefined,
  after: () => undefined,
  jobId: () => undefined,
});

/** One mutating call in flight: the dispatcher ends it exactly once. */
export interface AuditedCall {
  readonly scope: AuditScope;
  /** `input` is the parsed input when it parsed, the raw input otherwise. */
  finish(input: unknown, result: WireResult): void;
}

/** The dispatcher's view of the audit log. */
export interface AuditRecorder {
  begin(channel: string, transport: string): AuditedCall;
}
