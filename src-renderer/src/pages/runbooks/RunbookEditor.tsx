import { useDeferredValue, useState } from 'react';
import { SluiceError, type Runbook } from '@shared/contract';
import { Markdown } from '../../components/markdown/Markdown';
import { pushToast } from '../../components/toastStore';
import { useSaveRunbook } from '../../queries/runbooks';
import { Field, FieldError } from '../settings/FormFields';
import {
  inputFromForm,
  regexProblem,
  runbookFieldErrorsFrom,
  type RunbookFieldErrors,
  type RunbookFormState,
} from './runbookFormModel';

interface Props {
  initial: RunbookFormState;
  /** The version being edited, for the button label; null for a new runbook. */
  baseVersion: number | null;
  /** Set when the editor starts from an older version rather than the current one. */
  restoredFrom?: number;
  onSaved: (saved: Runbook) => void;
  onCancel: () => void;
}

function isHandledInline(error: unknown): boolean {
  return runbookFieldErrorsFrom(error) !== null;
}

export function RunbookEditor({ initial, baseVersion, restoredFrom, onSaved, onCancel }: Props) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<RunbookFieldErrors>({});
  const save = useSaveRunbook({ isHandledInline });
  // The preview may lag a keystroke behind on long bodies; typing never waits for it.
  const previewSource = useDeferredValue(form.body);
  const patternProblem = regexProblem(form.reasonPattern);
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);

  const update = (changes: Partial<RunbookFormState>) => {
    setForm((current) => ({ ...current, ...changes }));
    // An edited field's old complaint no longer describes what it holds.
    setErrors((current) => {
      const edited = Object.keys(changes).filter((field) => field in current);
      if (edited.length === 0 && !current.form) return current;
      const next = { ...current };
      for (const field of edited) delete next[field as keyof RunbookFieldErrors];
      delete next.form;
      return next;
    });
  };

  const submit = () => {
    setErrors({});
    save.mutate(inputFromForm(form), {
      onSuccess: (saved) => {
        pushToast({
          kind: 'info',
          title: 'Saved',
          message: `“${saved.title}” saved as version ${saved.version}`,
        });
        onSaved(saved);
      },
      onError: (error) => {
        setErrors(
          runbookFieldErrorsFrom(error) ?? {
            form: [`${error instanceof SluiceError ? error.code : 'INTERNAL'}: ${error.message}`],
          },
        );
      },
    });
  };

  return (
    <form
      className="runbook-editor"
      data-testid="runbook-editor"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {restoredFrom !== undefined ? (
        <p className="warning" data-testid="runbook-restore-note">
          Starting from version {restoredFrom}. Saving stores it as a new version; the history keeps
          every version.
        </p>
      ) : null}
      <div className="field-row">
        <Field
          label="Title"
          htmlFor="runbook-title"
          errors={errors.title}
          errorId="runbook-error-title"
        >
          <input
            id="runbook-title"
            data-testid="runbook-title"
            value={form.title}
            maxLength={200}
            autoFocus={initial.id === null}
            onChange={(event) => update({ title: event.target.value })}
          />
        </Field>
        <Field
          label="Tags"
          htmlFor="runbook-tags"
          hint="Separated by commas"
          errors={errors.tags}
          errorId="runbook-error-tags"
        >
          <input
            id="runbook-tags"
            data-testid="runbook-tags"
            value={form.tags}
            onChange={(event) => update({ tags: event.target.value })}
          />
        </Field>
      </div>

      <fieldset>
        <legend>When to show it</legend>
        <p className="field-hint runbook-rules-hint">
          Shown beside a dead letter or an alert when one trigger matches (error class, reason
          pattern or alert kind) and every scope given (sources, environments) matches too. Lists
          take one entry per line or separated by commas.
        </p>
        <div className="runbook-rules-grid">
          <Field
            label="Error classes"
            htmlFor="runbook-error-classes"
            hint="Exact exception class names, e.g. PoisonDocumentError"
            errors={errors.errorClasses}
            errorId="runbook-error-errorClasses"
          >
            <textarea
              id="runbook-error-classes"
              data-testid="runbook-error-classes"
              rows={3}
              spellCheck={false}
              value={form.errorClasses}
              onChange={(event) => update({ errorClasses: event.target.value })}
            />
          </Field>
          <Field
            label="Reason pattern"
            htmlFor="runbook-reason-pattern"
            hint={
              patternProblem && !errors.reasonPattern ? (
                <span className="field-error" data-testid="runbook-pattern-problem">
                  Does not compile: {patternProblem}
                </span>
              ) : (
                'A regular expression tested against the failure reason, ignoring case'
              )
            }
            errors={errors.reasonPattern}
            errorId="runbook-error-reasonPattern"
          >
            <input
              id="runbook-reason-pattern"
              data-testid="runbook-reason-pattern"
              spellCheck={false}
              className="monospace"
              value={form.reasonPattern}
              onChange={(event) => update({ reasonPattern: event.target.value })}
            />
          </Field>
          <Field
            label="Alert kinds"
            htmlFor="runbook-alert-kinds"
            hint="queue-depth, group-status, gap-age, dlq-growth, source-down"
            errors={errors.alertKinds}
            errorId="runbook-error-alertKinds"
          >
            <input
              id="runbook-alert-kinds"
              data-testid="runbook-alert-kinds"
              spellCheck={false}
              value={form.alertKinds}
              onChange={(event) => update({ alertKinds: event.target.value })}
            />
          </Field>
          <Field
            label="Sources"
            htmlFor="runbook-sources"
            hint="Dead-letter queues, topics or lists; empty for any"
            errors={errors.sources}
            errorId="runbook-error-sources"
          >
            <textarea
              id="runbook-sources"
              data-testid="runbook-sources"
              rows={3}
              spellCheck={false}
              value={form.sources}
              onChange={(event) => update({ sources: event.target.value })}
            />
          </Field>
          <Field
            label="Environments"
            htmlFor="runbook-environments"
            hint="Environment names; empty for any"
            errors={errors.environments}
            errorId="runbook-error-environments"
          >
            <input
              id="runbook-environments"
              data-testid="runbook-environments"
              spellCheck={false}
              value={form.environments}
              onChange={(event) => update({ environments: event.target.value })}
            />
          </Field>
        </div>
      </fieldset>

      <div className="runbook-split">
        <Field
          label="Body (markdown)"
          htmlFor="runbook-body-input"
          errors={errors.body}
          errorId="runbook-error-body"
        >
          <textarea
            id="runbook-body-input"
            className="runbook-body-input"
            data-testid="runbook-body-input"
            spellCheck
            value={form.body}
            onChange={(event) => update({ body: event.target.value })}
          />
        </Field>
        <div className="runbook-preview" aria-label="Preview" data-testid="runbook-preview">
          <div className="runbook-preview-label">Preview</div>
          {previewSource.trim() === '' ? (
            <p className="muted">Nothing to preview yet.</p>
          ) : (
            <Markdown source={previewSource} className="markdown runbook-body" />
          )}
        </div>
      </div>

      <FieldError id="runbook-error-form" messages={errors.form} />

      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          data-testid="runbook-save"
          disabled={save.isPending}
        >
          {save.isPending
            ? 'Saving…'
            : baseVersion === null
              ? 'Create runbook'
              : `Save as version ${baseVersion + 1}`}
        </button>
        <button type="button" className="button" data-testid="runbook-cancel" onClick={onCancel}>
          {dirty ? 'Discard changes' : 'Cancel'}
        </button>
      </div>
    </form>
  );
}
