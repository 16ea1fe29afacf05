import { Field, TextField, type SourceFieldsProps } from './fields';
import { TABLE_COLUMNS, type SourceFormState } from './sourceFormModel';
import { DefaultTargetFields } from './targets/ReplayTargetFields';

/** A PostgreSQL table source: its table, columns, status values and default target. */
export function PostgresSourceFields({ state, set }: SourceFieldsProps) {
  return (
    <>
      <div className="field-row">
        <TextField label="Schema" value={state.schema} onChange={(text) => set('schema', text)} />
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
          <TextField
            label="Status: pending"
            value={state.statusPending}
            onChange={(text) => set('statusPending', text)}
          />
          <TextField
            label="Status: replayed"
            value={state.statusReplayed}
            onChange={(text) => set('statusReplayed', text)}
          />
          <TextField
            label="Status: discarded"
            value={state.statusDiscarded}
            onChange={(text) => set('statusDiscarded', text)}
          />
        </div>
      </details>
      <DefaultTargetFields
        form={state}
        // The target's fields are fields of the source form, of the same types.
        set={(key, value) => set(key, value as SourceFormState[typeof key])}
      />
    </>
  );
}
