import { useId, useState, type ReactNode } from 'react';
import { SluiceError, type DeadLetterSourceView } from '@shared/contract';
import { KafkaCatalogStatus } from '../../components/kafkaPicker/KafkaCatalogStatus';
import { KafkaNameInput } from '../../components/kafkaPicker/KafkaNameInput';
import { useSaveDeadLetterSource } from '../../queries/deadletters';
import { useEnvironments } from '../../queries/environments';
import { useKafkaCatalog } from '../../queries/kafkaCatalog';
import {
  ENVELOPE_FIELDS,
  TABLE_COLUMNS,
  emptySourceForm,
  formFromSource,
  sourceInputFromForm,
  sourceTopicChecks,
  type SourceFormState,
} from './sourceFormModel';
import { useModalDialog } from '../../components/useModalDialog';

function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <div className="field">
      <label>
        {label}
        {children}
      </label>
      {hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  );
}

/** A field whose input is a picker: the label points at it instead of wrapping its list. */
function PickerField({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  );
}

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
    state.kind === 'kafka' && kafkaConfigured === true,
  );
  // After a failed refresh the last listing may be out of date: check nothing rather than wrongly.
  const catalog = catalogQuery.isError ? undefined : catalogQuery.data;
  const checks = sourceTopicChecks(state, catalog);

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
                <option value="redis">Redis list</option>
                <option value="kafka">Kafka topic</option>
                <option value="postgres">PostgreSQL table</option>
              </select>
            </Field>
          </div>

          {state.kind === 'redis' ? (
            <>
              <div className="field-row">
                <Field label="List key">
                  <input
                    value={state.redisKey}
                    onChange={(e) => set('redisKey', e.target.value)}
                    data-testid="dl-source-key"
                  />
                </Field>
                <Field label="Entries are">
                  <select
                    value={state.format}
                    onChange={(e) => set('format', e.target.value as 'envelope' | 'raw')}
                  >
                    <option value="envelope">JSON envelopes with failure details</option>
                    <option value="raw">raw payloads</option>
                  </select>
                </Field>
              </div>
              <div className="field-row">
                <Field label="New dead letters are pushed at the">
                  <select
                    value={state.pushSide}
                    onChange={(e) => set('pushSide', e.target.value as 'head' | 'tail')}
                  >
                    <option value="head">head (LPUSH)</option>
                    <option value="tail">tail (RPUSH)</option>
                  </select>
                </Field>
                <Field
                  label="Default target list"
                  hint="Where replays go when an entry names no source queue."
                >
                  <input
                    value={state.defaultTargetKey}
                    onChange={(e) => set('defaultTargetKey', e.target.value)}
                  />
                </Field>
              </div>
              {state.format === 'envelope' ? (
                <details className="dl-details">
                  <summary>Envelope fields and replay marks</summary>
                  <div className="dl-grid">
                    {ENVELOPE_FIELDS.map((field) => (
                      <Field key={field.name} label={field.label}>
                        <input
                          value={state.fields[field.name] ?? ''}
                          onChange={(e) =>
                            set('fields', { ...state.fields, [field.name]: e.target.value })
                          }
                        />
                      </Field>
                    ))}
                  </div>
                  <Field
                    label="Replay marks"
                    hint="JSON-object payloads can carry x-sluice-replay-id and x-sluice-origin members; other payloads always go byte for byte."
                  >
                    <select
                      value={state.replayMarking}
                      onChange={(e) =>
                        set('replayMarking', e.target.value as 'json-fields' | 'none')
                      }
                    >
                      <option value="json-fields">add to JSON objects</option>
                      <option value="none">
                        never (byte for byte; the id stays in the job journal)
                      </option>
                    </select>
                  </Field>
                </details>
              ) : null}
            </>
          ) : null}

          {state.kind === 'kafka' ? (
            <>
              <div className="field-row">
                <PickerField label="Topic">
                  {(id) => (
                    <KafkaNameInput
                      id={id}
                      kind="topic"
                      value={state.topic}
                      onChange={(v) => set('topic', v)}
                      catalog={catalog}
                      problem={checks.topic ? { message: checks.topic, severity: 'error' } : null}
                      testId="dl-source-topic"
                    />
                  )}
                </PickerField>
                <PickerField
                  label="Default target topic"
                  hint="When a record names no original topic in its headers."
                >
                  {(id) => (
                    <KafkaNameInput
                      id={id}
                      kind="topic"
                      value={state.defaultTargetTopic}
                      onChange={(v) => set('defaultTargetTopic', v)}
                      catalog={catalog}
                      problem={
                        checks.defaultTargetTopic
                          ? { message: checks.defaultTargetTopic, severity: 'warning' }
                          : null
                      }
                      testId="dl-source-target-topic"
                    />
                  )}
                </PickerField>
              </div>
              {kafkaConfigured !== undefined ? (
                <KafkaCatalogStatus
                  kafkaConfigured={kafkaConfigured}
                  catalog={catalog}
                  loading={catalogQuery.isLoading}
                  fetching={catalogQuery.isFetching}
                  error={catalogQuery.error}
                  onRefresh={() => void catalogQuery.refetch()}
                  testId="dl-source-catalog"
                />
              ) : null}
            </>
          ) : null}

          {state.kind === 'postgres' ? (
            <>
              <div className="field-row">
                <Field label="Schema">
                  <input value={state.schema} onChange={(e) => set('schema', e.target.value)} />
                </Field>
                <Field label="Table">
                  <input
                    value={state.table}
                    onChange={(e) => set('table', e.target.value)}
                    data-testid="dl-source-table"
                  />
                </Field>
                <Field label="Replayed and discarded rows are">
                  <select
                    value={state.removal}
                    onChange={(e) => set('removal', e.target.value as 'status' | 'delete')}
                  >
                    <option value="status">marked in the status column</option>
                    <option value="delete">deleted</option>
                  </select>
                </Field>
              </div>
              <details className="dl-details">
                <summary>Columns and status values</summary>
                <div className="dl-grid">
                  {TABLE_COLUMNS.map((column) => (
                    <Field key={column.name} label={column.label}>
                      <input
                        value={state.columns[column.name] ?? ''}
                        onChange={(e) =>
                          set('columns', { ...state.columns, [column.name]: e.target.value })
                        }
                      />
                    </Field>
                  ))}
                  <Field label="Status: pending">
                    <input
                      value={state.statusPending}
                      onChange={(e) => set('statusPending', e.target.value)}
                    />
                  </Field>
                  <Field label="Status: replayed">
                    <input
                      value={state.statusReplayed}
                      onChange={(e) => set('statusReplayed', e.target.value)}
                    />
                  </Field>
                  <Field label="Status: discarded">
                    <input
                      value={state.statusDiscarded}
                      onChange={(e) => set('statusDiscarded', e.target.value)}
                    />
                  </Field>
                </div>
              </details>
              <div className="field-row">
                <Field label="Default replay target">
                  <select
                    value={state.targetKind}
                    onChange={(e) =>
                      set('targetKind', e.target.value as SourceFormState['targetKind'])
                    }
                  >
                    <option value="none">none (choose per replay)</option>
                    <option value="postgres-table">a table of this database</option>
                    <option value="redis-list">a Redis list</option>
                  </select>
                </Field>
                {state.targetKind === 'postgres-table' ? (
                  <>
                    <Field label="Target table">
                      <input
                        value={state.targetTable}
                        onChange={(e) => set('targetTable', e.target.value)}
                      />
                    </Field>
                    <Field label="Payload column">
                      <input
                        value={state.targetPayloadColumn}
                        onChange={(e) => set('targetPayloadColumn', e.target.value)}
                      />
                    </Field>
                    <Field label="Replay id column">
                      <input
                        value={state.targetReplayIdColumn}
                        onChange={(e) => set('targetReplayIdColumn', e.target.value)}
                      />
                    </Field>
                    <Field label="Origin column">
                      <input
                        value={state.targetOriginColumn}
                        onChange={(e) => set('targetOriginColumn', e.target.value)}
                      />
                    </Field>
                  </>
                ) : null}
                {state.targetKind === 'redis-list' ? (
                  <Field label="Target list key">
                    <input
                      value={state.targetRedisKey}
                      onChange={(e) => set('targetRedisKey', e.target.value)}
                    />
                  </Field>
                ) : null}
              </div>
            </>
          ) : null}

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
