import { useState, type ComponentType } from 'react';
import {
  SluiceError,
  type DeadLetterSourceKind,
  type DeadLetterSourceView,
} from '@shared/contract';
import { useSaveDeadLetterSource } from '../../queries/deadletters';
import { useEnvironments } from '../../queries/environments';
import { useKafkaCatalog } from '../../queries/kafkaCatalog';
import { Field, type SourceFieldsProps } from './fields';
import { KafkaSourceFields } from './KafkaSourceFields';
import { PostgresSourceFields } from './PostgresSourceFields';
import { RedisSourceFields } from './RedisSourceFields';
import {
  SOURCE_KIND_FORMS,
  emptySourceForm,
  formFromSource,
  sourceInputFromForm,
  sourceTopicChecks,
  type SourceFormState,
} from './sourceFormModel';
import { useModalDialog } from '../../components/useModalDialog';

/** Each kind's own group of fields. */
const KIND_FIELDS: Record<DeadLetterSourceKind, ComponentType<SourceFieldsProps>> = {
  redis: RedisSourceFields,
  kafka: KafkaSourceFields,
  postgres: PostgresSourceFields,
};

const KINDS = Object.keys(SOURCE_KIND_FORMS) as DeadLetterSourceKind[];

/** Add or edit a dead-letter source, in a modal dialog. */
export function SourceForm({
  environmentId,
  source,
  onClose,
}: {
  environmentId: string;
  source: DeadLetterSourceView | null;
  onClose: (saved: DeadLetterSourceView | null) => void;
}) {
  const ref = useModalDialog();
  const [state, setState] = useState<SourceFormState>(() =>
    source ? formFromSource(source) : emptySourceForm(),
  );
  const save = useSaveDeadLetterSource(environmentId);
  const set = <K extends keyof SourceFormState>(key: K, value: SourceFormState[K]) =>
    setState((current) => ({ ...current, [key]: value }));
  const environments = useEnvironments();
  const environment = environments.data?.find((e) => e.id === environmentId);
  const kafkaConfigured = environments.data ? (environment?.kafka ?? null) !== null : undefined;
  const catalogQuery = useKafkaCatalog(
    environmentId,
    environment?.updatedAt ?? '',
    SOURCE_KIND_FORMS[state.kind].checksTopics && kafkaConfigured === true,
  );
  // After a failed refresh the last listing may be out of date: check nothing rather than wrongly.
  const catalog = catalogQuery.isError ? undefined : catalogQuery.data;
  const checks = sourceTopicChecks(state, catalog);
  const KindFields = KIND_FIELDS[state.kind];

  const submit = async () => {
    if (checks.topic !== null) {
      // The topic may have been created since the listing: ask once more before refusing.
      const fresh = await catalogQuery.refetch();
      if (sourceTopicChecks(state, fresh.isError ? undefined : fresh.data).topic !== null) return;
    }
    save.mutate(sourceInputFromForm(state), { onSuccess: (saved) => onClose(saved) });
  };

  const issues =
    save.error instanceof SluiceError
      ? ((save.error.details as { issues?: { path: string[]; message: string }[] } | undefined)
          ?.issues ?? [])
      : [];

  return (
    <dialog
      ref={ref}
      className="dialog dl-dialog"
      data-testid="dl-source-form"
      aria-labelledby="dl-source-form-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose(null);
      }}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h2 id="dl-source-form-title" className="dialog-title">
          {source ? `Edit ${source.name}` : 'Add a dead-letter source'}
        </h2>
        <div className="dialog-body">
          <div className="field-row">
            <Field label="Name">
              <input
                value={state.name}
                onChange={(e) => set('name', e.target.value)}
                required
                data-testid="dl-source-name"
              />
            </Field>
            <Field label="Kind">
              <select
                value={state.kind}
                onChange={(e) => set('kind', e.target.value as SourceFormState['kind'])}
                disabled={source !== null}
                data-testid="dl-source-kind"
              >
                {KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {SOURCE_KIND_FORMS[kind].label}
                  </option>
                ))}
              </select>
            </Field>
          </div>

          <KindFields
            state={state}
            set={set}
            topics={{ kafkaConfigured, catalog, checks, query: catalogQuery }}
          />

          <div className="field-row">
            <Field
              label="Typed confirmation above"
              hint="In a production environment, acting on more entries than this asks for the environment's name."
            >
              <input
                type="number"
                min={1}
                value={state.bulkConfirmThreshold}
                onChange={(e) => set('bulkConfirmThreshold', e.target.value)}
              />
            </Field>
          </div>
          <Field
            label="JSON Schema for edited payloads (optional)"
            hint="Checked before an edit is saved. Keywords: type, enum, const, required, properties, additionalProperties, patternProperties, items, prefixItems, min/maxItems, uniqueItems, min/maxLength, pattern, minimum, maximum, exclusiveMinimum/Maximum, multipleOf, min/maxProperties, allOf, anyOf, oneOf, not, if/then/else, local $ref."
          >
            <textarea
              className="dl-code"
              rows={5}
              value={state.jsonSchema}
              onChange={(e) => set('jsonSchema', e.target.value)}
              spellCheck={false}
            />
          </Field>
          {save.error ? (
            <div className="error-panel" role="alert" data-testid="dl-source-error">
              <strong className="error-code">
                {save.error instanceof SluiceError ? save.error.code : 'INTERNAL'}
              </strong>{' '}
              {save.error.message}
              {issues.length > 0 ? (
                <ul>
                  {issues.map((issue) => (
                    <li key={`${issue.path.join('.')}:${issue.message}`}>
                      {issue.path.join('.')}: {issue.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => onClose(null)}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={save.isPending}
            data-testid="dl-source-save"
          >
            Save source
          </button>
        </div>
      </form>
    </dialog>
  );
}
