import { SECRET_MASK } from '@shared/contract';
import type {
  EnvironmentFormState,
  FieldErrors,
  SaslMechanismChoice,
} from './environmentFormModel';
import { Checkbox, Field } from './FormFields';

interface Props {
  form: EnvironmentFormState;
  errors: FieldErrors;
  update: (changes: Partial<EnvironmentFormState>) => void;
}

export function KafkaFields({ form, errors, update }: Props) {
  return (
    <>
      <Field
        label="Brokers"
        htmlFor="env-kafka-brokers"
        hint="host:port, separated by commas or new lines. Leave empty if this environment has no Kafka."
        errors={errors.kafkaBrokers}
        errorId="field-error-kafkaBrokers"
      >
        <textarea
          id="env-kafka-brokers"
          data-testid="env-kafka-brokers"
          rows={2}
          spellCheck={false}
          value={form.kafkaBrokers}
          onChange={(event) => update({ kafkaBrokers: event.target.value })}
        />
      </Field>
      <Field
        label="Client id"
        htmlFor="env-kafka-client-id"
        errors={errors.kafkaClientId}
        errorId="field-error-kafkaClientId"
      >
        <input
          id="env-kafka-client-id"
          data-testid="env-kafka-client-id"
          value={form.kafkaClientId}
          onChange={(event) => update({ kafkaClientId: event.target.value })}
        />
      </Field>
      <div className="field-row">
        <Checkbox
          label="SSL"
          checked={form.kafkaSsl}
          testId="env-kafka-ssl"
          onChange={(kafkaSsl) => update({ kafkaSsl })}
        />
        <Checkbox
          label="Reject unauthorized certificates"
          checked={form.kafkaSslRejectUnauthorized}
          disabled={!form.kafkaSsl}
          testId="env-kafka-ssl-reject-unauthorized"
          hint="turn off only for self-signed certificates"
          onChange={(kafkaSslRejectUnauthorized) => update({ kafkaSslRejectUnauthorized })}
        />
      </div>
      <div className="field-row">
        <Field
          label="SASL mechanism"
          htmlFor="env-kafka-sasl-mechanism"
          errors={errors.saslMechanism}
          errorId="field-error-saslMechanism"
        >
          <select
            id="env-kafka-sasl-mechanism"
            data-testid="env-kafka-sasl-mechanism"
            value={form.saslMechanism}
            onChange={(event) =>
              update({ saslMechanism: event.target.value as SaslMechanismChoice })
            }
          >
            <option value="">None</option>
            <option value="plain">PLAIN</option>
            <option value="scram-sha-256">SCRAM-SHA-256</option>
            <option value="scram-sha-512">SCRAM-SHA-512</option>
          </select>
        </Field>
        {form.saslMechanism !== '' ? (
          <>
            <Field
              label="SASL username"
              htmlFor="env-kafka-sasl-username"
              errors={errors.saslUsername}
              errorId="field-error-saslUsername"
            >
              <input
                id="env-kafka-sasl-username"
                data-testid="env-kafka-sasl-username"
                autoComplete="off"
                value={form.saslUsername}
                onChange={(event) => update({ saslUsername: event.target.value })}
              />
            </Field>
            <Field
              label="SASL password"
              htmlFor="env-kafka-sasl-password"
              hint={form.saslPassword === SECRET_MASK ? 'stored; type to replace it' : undefined}
              errors={errors.saslPassword}
              errorId="field-error-saslPassword"
            >
              <input
                id="env-kafka-sasl-password"
                data-testid="env-kafka-sasl-password"
                type="password"
                autoComplete="new-password"
                value={form.saslPassword}
                // Typing into the mask would append to it; select it so typing replaces it.
                onFocus={(event) => {
                  if (event.target.value === SECRET_MASK) event.target.select();
                }}
                onChange={(event) => update({ saslPassword: event.target.value })}
              />
            </Field>
          </>
        ) : null}
      </div>
    </>
  );
}
