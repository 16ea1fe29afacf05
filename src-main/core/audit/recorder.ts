import type { Logger } from '@shared/log/logger';
import type { AuditLog } from './auditLog';
import type { AuditOperator } from './record';
import { createAuditScope, type AuditRecorder } from './scope';

/**
 * Turns every mutating call into one audit record. The operator is read when
 * the call begins (a call that renames the operator is recorded under the name
 * they acted with). A DENIED error is recorded as denied, every other error as
 * failed with its code and message.
 */
export function createAuditRecorder(
  log: AuditLog,
  identity: () => AuditOperator,
  logger: Logger,
): AuditRecorder {
  return {
    begin(channel, transport) {
      const operator = identity();
      const { scope, state } = createAuditScope();
      let finished = false;
      return {
        scope,
        finish(input, result) {
          if (finished) return;
          finished = true;
          try {
            log.append({
              operator,
              environment: state.environment,
              action: channel,
              targets: state.targets,
              parameters: input,
              before: state.before,
              after: state.after,
              result: result.ok ? 'ok' : result.error.code === 'DENIED' ? 'denied' : 'failed',
              errorCode: result.ok ? null : result.error.code,
              reason: result.ok ? null : result.error.message,
              jobId: state.jobId,
            });
          } catch (error) {
            // The action already happened; its outcome stands. The log line
            // makes the missing record visible to whoever reads the logs.
            logger.error('audit record could not be written', { channel, transport, error });
          }
        },
      };
    },
  };
}
