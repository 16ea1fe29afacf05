import type { ConnectionFailureCause, ConnectionTestResult, ServiceKind } from '@shared/contract';
import { SluiceError } from '@shared/contract';
import { useTestConnection } from '../../queries/environments';
import { testInputFromForm, type EnvironmentFormState } from './environmentFormModel';

const CAUSE_WORDS: Record<ConnectionFailureCause, string> = {
  dns: 'host not found',
  refused: 'connection refused',
  auth: 'authentication failed',
  tls: 'TLS handshake failed',
  timeout: 'timed out',
  protocol: 'protocol error',
  'not-configured': 'not configured',
  unknown: 'unknown error',
};

export function describeResult(result: ConnectionTestResult): string {
  if (result.ok) return `OK — ${result.version} — ${Math.round(result.rttMs)} ms`;
  const words = CAUSE_WORDS[result.cause];
  // The message usually names the cause already; only prefix it when it does not.
  return result.message.toLowerCase().includes(words.toLowerCase())
    ? `Failed: ${result.message}`
    : `Failed: ${words} — ${result.message}`;
}

function describeError(error: Error): string {
  const code = error instanceof SluiceError ? error.code : 'INTERNAL';
  return `Failed: ${code} — ${error.message}`;
}

const LABELS: Record<ServiceKind, string> = {
  redis: 'Redis',
  postgres: 'PostgreSQL',
  kafka: 'Kafka',
};

/**
 * "Test connection" for one service with the form's current values (saved or
 * not); the core looks up stored passwords for masked fields by the id.
 */
export function ConnectionTest({
  service,
  form,
  onInvalidInput,
}: {
  service: ServiceKind;
  form: EnvironmentFormState;
  onInvalidInput: (error: unknown) => void;
}) {
  const test = useTestConnection();

  let text: string | null = null;
  let tone = '';
  if (test.isPending) {
    text = 'Testing…';
  } else if (test.data) {
    text = describeResult(test.data);
    tone = test.data.ok ? 'test-ok' : 'test-failed';
  } else if (test.error) {
    text = describeError(test.error);
    tone = 'test-failed';
  }

  return (
    <div className="connection-test">
      <button
        type="button"
        className="button button-small"
        data-testid={`test-${service}`}
        disabled={test.isPending}
        onClick={() =>
          test.mutate(
            { service, environment: testInputFromForm(form, service) },
            { onError: onInvalidInput },
          )
        }
      >
        Test {LABELS[service]} connection
      </button>
      {text !== null ? (
        <span
          className={`test-result ${tone}`}
          data-testid={`test-result-${service}`}
          role="status"
        >
          {text}
        </span>
      ) : null}
    </div>
  );
}
