import { useState } from 'react';
import { ErrorPanel, Loading } from '../../components/Panels';
import { useEnvironments } from '../../queries/environments';
import { EnvironmentForm } from './EnvironmentForm';
import { emptyForm, formFromView, type EnvironmentFormState } from './environmentFormModel';
import { EnvironmentList } from './EnvironmentList';
import { OperatorSection } from './OperatorSection';
import { SecretStorageSection } from './SecretStorageSection';

type Editing = { key: string; initial: EnvironmentFormState } | null;

let formInstance = 0;

export function SettingsPage() {
  const environments = useEnvironments();
  const [editing, setEditing] = useState<Editing>(null);

  // Each opening gets a fresh key so the form starts from its initial values.
  const open = (initial: EnvironmentFormState) => {
    formInstance += 1;
    setEditing({ key: `form-${formInstance}`, initial });
  };

  return (
    <div className="page settings-page">
      <h1>Settings</h1>
      <OperatorSection />
      <SecretStorageSection />
      <section className="card" aria-labelledby="settings-environments">
        <h2 id="settings-environments">Environments</h2>
        {environments.isPending ? <Loading what="environments" /> : null}
        {environments.isError ? (
          <ErrorPanel error={environments.error} onRetry={() => void environments.refetch()} />
        ) : null}
        {environments.data ? (
          <EnvironmentList
            environments={environments.data}
            editingId={editing?.initial.id ?? null}
            onEdit={(environment) => open(formFromView(environment))}
            onAdd={() => open(emptyForm())}
            onRemoved={(id) => {
              if (editing?.initial.id === id) setEditing(null);
            }}
          />
        ) : null}
      </section>
      {editing ? (
        <section className="card">
          <EnvironmentForm
            key={editing.key}
            initial={editing.initial}
            onSaved={() => setEditing(null)}
            onCancel={() => setEditing(null)}
          />
        </section>
      ) : null}
    </div>
  );
}
