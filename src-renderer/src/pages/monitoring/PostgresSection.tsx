import { Checkbox } from '../settings/FormFields';
import { AddButton, Section, TextInput, type SectionProps } from './ConfigFields';
import { EditableList } from './EditableList';

export function PostgresSection({ form, set, update }: SectionProps) {
  return (
    <Section title="PostgreSQL sync gaps">
      <div className="config-row">
        <Checkbox
          label="watch PostgreSQL"
          checked={form.postgresEnabled}
          onChange={(v) => set('postgresEnabled', v)}
        />
        <TextInput
          label="own interval (s)"
          value={form.postgresSeconds}
          onChange={(v) => set('postgresSeconds', v)}
          width="narrow"
        />
      </div>
      <EditableList rows={form.tables} onChange={(change) => update('tables', change)}>
        {(table, patch, i) => (
          <>
            <TextInput
              label="table"
              value={table.table}
              onChange={(v) => patch({ table: v })}
              testId={`config-table-${i}`}
            />
            <TextInput
              label="updated-at column"
              value={table.updatedAtColumn}
              onChange={(v) => patch({ updatedAtColumn: v })}
            />
            <TextInput
              label="synced-at column"
              value={table.syncedAtColumn}
              onChange={(v) => patch({ syncedAtColumn: v })}
            />
            <TextInput
              label="filter (optional)"
              value={table.filter}
              onChange={(v) => patch({ filter: v })}
              width="wide"
            />
          </>
        )}
      </EditableList>
      <AddButton
        onClick={() =>
          update('tables', (tables) => [
            ...tables,
            { table: '', updatedAtColumn: 'updated_at', syncedAtColumn: 'synced_at', filter: '' },
          ])
        }
        testId="config-add-table"
      >
        Add table
      </AddButton>
    </Section>
  );
}
