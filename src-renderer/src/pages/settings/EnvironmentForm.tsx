import { useState } from 'react';
import { SluiceError, type EnvironmentView } from '@shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { pushToast } from '../../components/toastStore';
import { useSecretStorageStatus } from '../../queries/app';
import { useSaveEnvironment } from '../../queries/environments';
import { ConnectionTest } from './ConnectionTest';
import {
  carriesNewSecret,
  fieldErrorsFrom,
  inputFromForm,
  isUnencryptedSecretRefusal,
  type EnvironmentFormState,
  type FieldErrors,
} from './environmentFormModel';
import { Checkbox, Field, FieldError } from './FormFields';
import { KafkaFields } from './KafkaFields';

interface Props {
  initial: EnvironmentFormState;
  onSaved: (saved: EnvironmentView) => void;
  onCancel: () => void;
}

function isHandledInline(error: unknown): boolean {
  return isUnencryptedSecretRefusal(error) || fieldErrorsFrom(error) !== null;
}

function warningOf(error: unknown): string | null {
  const details = error instanceof SluiceError ? error.details : undefined;
  const warning = (details as { warning?: unknown } | undefined)?.warning;
  return typeof warning === 'string' ? warning : null;
}

export function EnvironmentForm({ initial, onSaved, onCancel }: Props) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  /** Set while the operator is asked to accept unencrypted secret storage. */
  const [consentWarning, setConsentWarning] = useState<string | null>(null);
  const { data: secretStatus } = useSecretStorageStatus();
  const save = useSaveEnvironment({ isHandledInline });
  const editing = form.id !== null;

  const update = (changes: Partial<EnvironmentFormState>) => {
    setForm((current) => ({ ...current, ...changes }));
    // An edited field's old complaint no longer describes what it holds.
    setErrors((current) => {
      const edited = Object.keys(changes).filter((field) => field in current);
      if (edited.length === 0) return current;
      const next = { ...current };
      for (const field of edited) delete next[field as keyof FieldErrors];
      return next;
    });
  };

  const showFieldErrors = (error: unknown) => {
    const fieldErrors = fieldErrorsFrom(error);
    if (fieldErrors) setErrors(fieldErrors);
  };

  const submit = (acceptUnencryptedSecrets: boolean) => {
    setErrors({});
    setConsentWarning(null);
    save.mutate(
      { environment: inputFromForm(form), acceptUnencryptedSecrets },
      {
        onSuccess: (saved) => {
          pushToast({ kind: 'info', title: 'Saved', message: `Environment "${saved.name}" saved` });
          onSaved(saved);
        },
        onError: (error) => {
          if (isUnencryptedSecretRefusal(error)) {
            setConsentWarning(warningOf(error) ?? secretStatus?.warning ?? '');
            return;
          }
          const fieldErrors = fieldErrorsFrom(error);
          setErrors(
            fieldErrors ?? {
              form: [`${error instanceof SluiceError ? error.code : 'INTERNAL'}: ${error.message}`],
            },
          );
        },
      },
    );
  };

  return (
    <form
      className="env-form"
      data-testid="env-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        // Ask before the round trip when we already know the answer would be DENIED.
        if (secretStatus?.requiresConsent && carriesNewSecret(form)) {
          setConsentWarning(secretStatus.warning ?? '');
        } else {
          submit(false);
        }
      }}
    >
      <h3>{editing ? `Edit ${initial.name}` : 'New environment'}</h3>

      <fieldset>
        <legend>General</legend>
        <div className="field-row">
          <Field label="Name" htmlFor="env-name" errors={errors.name} errorId="field-error-name">
            <input
              id="env-name"
              data-testid="env-name"
              value={form.name}
              maxLength={64}
              autoFocus
              onChange={(event) => update({ name: event.target.value })}
            />
          </Field>
          <Field
            label="Colour"
            htmlFor="env-colour"
            errors={errors.colour}
            errorId="field-error-colour"
          >
            <input
              id="env-colour"
              data-testid="env-colour"
              type="color"
              value={form.colour}
              onChange={(event) => update({ colour: event.target.value })}
            />
          </Field>
        </div>
        <Checkbox
          label="Read-only"
          hint="Sluice refuses every change (replays, edits, deletes) in this environment"
          checked={form.readOnly}
          testId="env-readonly"
          onChange={(readOnly) => update({ readOnly })}
        />
        <Checkbox
          label="Production"
          hint="marked with a thick bar and a PRODUCTION label wherever it is selected"
          checked={form.production}
          testId="env-production"
          onChange={(production) => update({ production })}
        />
      </fieldset>

      <fieldset>
        <legend>Redis</legend>
        <Field
          label="Redis URL"
          htmlFor="env-redis-url"
          hint="redis://[user:password@]host:port[/db] or rediss:// for TLS. Leave empty if none."
          errors={errors.redisUrl}
          errorId="field-error-redisUrl"
        >
          <input
            id="env-redis-url"
            data-testid="env-redis-url"
            spellCheck={false}
            autoComplete="off"
            value={form.redisUrl}
            onChange={(event) => update({ redisUrl: event.target.value })}
          />
        </Field>
        <ConnectionTest service="redis" form={form} onInvalidInput={showFieldErrors} />
      </fieldset>

      <fieldset>
        <legend>PostgreSQL</legend>
        <Field
          label="PostgreSQL URL"
          htmlFor="env-postgres-url"
          hint="postgres://user:password@host:port/database. Leave empty if none."
          errors={errors.postgresUrl}
          errorId="field-error-postgresUrl"
        >
          <input
            id="env-postgres-url"
            data-testid="env-postgres-url"
            spellCheck={false}
            autoComplete="off"
            value={form.postgresUrl}
            onChange={(event) => update({ postgresUrl: event.target.value })}
          />
        </Field>
        <ConnectionTest service="postgres" form={form} onInvalidInput={showFieldErrors} />
      </fieldset>

      <fieldset>
        <legend>Kafka</legend>
        <KafkaFields form={form} errors={errors} update={update} />
        <ConnectionTest service="kafka" form={form} onInvalidInput={showFieldErrors} />
      </fieldset>

      <FieldError id="field-error-form" messages={errors.form} />

      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          data-testid="env-save"
          disabled={save.isPending}
        >
          {save.isPending ? 'Saving…' : editing ? 'Save changes' : 'Add environment'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>

      {consentWarning !== null ? (
        <ConfirmDialog
          title="Store passwords without encryption?"
          confirmLabel="Store them anyway"
          danger
          busy={save.isPending}
          testId="unencrypted-secrets-dialog"
          onCancel={() => setConsentWarning(null)}
          onConfirm={() => submit(true)}
        >
          <p>{consentWarning || 'This host cannot encrypt stored passwords.'}</p>
          <p>
            The passwords in this environment would be saved in a form that anyone who can read your
            user account&apos;s files can recover.
          </p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}
