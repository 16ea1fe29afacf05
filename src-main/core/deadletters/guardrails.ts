import { SluiceError, type DeadLetterSourceView } from '@shared/contract';
import type { AuditScope } from '../audit/scope';
import type { EnvironmentRecord } from '../environments/repository';

/** Names the environment in the audit record before any check can refuse. */
export function auditEnvironment(audit: AuditScope, environment: EnvironmentRecord): void {
  audit.environment({ id: environment.id, name: environment.name });
}

export function auditSource(audit: AuditScope, source: DeadLetterSourceView, count?: number): void {
  audit.targets([
    {
      type: 'dead-letter-source',
      id: source.id,
      name: count === undefined ? source.name : `${source.name} (${count} entries)`,
    },
  ]);
}

/** A read-only environment refuses every write; the dispatcher audits the refusal. */
export function assertWritable(environment: EnvironmentRecord, action: string): void {
  if (environment.readOnly) {
    throw new SluiceError(
      'DENIED',
      `environment "${environment.name}" is read-only: ${action} is not allowed`,
      { reason: 'read-only', environmentId: environment.id },
    );
  }
}

/**
 * In a production environment, an action on more entries than the source's
 * threshold needs the environment's name typed by the operator.
 */
export function assertBulkConfirmed(
  environment: EnvironmentRecord,
  source: DeadLetterSourceView,
  count: number,
  typedName: string | null,
): void {
  if (!confirmationRequired(environment, source, count)) return;
  assertNameTyped(environment, typedName, `this acts on ${count} entries`, {
    count,
    threshold: source.bulkConfirmThreshold,
  });
}

/** Refuses unless the operator typed the environment's name (the production guard). */
export function assertNameTyped(
  environment: EnvironmentRecord,
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

export function confirmationRequired(
  environment: EnvironmentRecord,
  source: DeadLetterSourceView,
  count: number,
): boolean {
  return environment.production && count > source.bulkConfirmThreshold;
}
