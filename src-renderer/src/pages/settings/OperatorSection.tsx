import { useState } from 'react';
import type { Settings } from '@shared/contract';
import { ErrorPanel, Loading } from '../../components/Panels';
import { useAppInfo, useSettings, useUpdateSettings } from '../../queries/app';

const THEMES: { value: Settings['theme']; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function DisplayNameForm({ saved }: { saved: string }) {
  const [displayName, setDisplayName] = useState(saved);
  const update = useUpdateSettings();
  const { data: info } = useAppInfo();
  const dirty = displayName.trim() !== saved;
  return (
    <form
      className="inline-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        update.mutate({ displayName });
      }}
    >
      <div className="field">
        <label htmlFor="settings-display-name">Operator display name</label>
        <div className="field-inline">
          <input
            id="settings-display-name"
            data-testid="settings-display-name"
            maxLength={80}
            value={displayName}
            placeholder={info?.operator.osUser}
            onChange={(event) => setDisplayName(event.target.value)}
          />
          <button
            type="submit"
            className="button"
            data-testid="settings-display-name-save"
            disabled={!dirty || update.isPending}
          >
            Save
          </button>
        </div>
        <div className="field-hint">
          Recorded in the audit log beside your OS user
          {info ? ` (${info.operator.osUser}@${info.operator.hostName})` : ''}.
        </div>
      </div>
    </form>
  );
}

export function OperatorSection() {
  const settings = useSettings();
  const update = useUpdateSettings();

  if (settings.isPending) return <Loading what="settings" />;
  if (settings.isError)
    return <ErrorPanel error={settings.error} onRetry={() => void settings.refetch()} />;

  return (
    <section className="card" aria-labelledby="settings-operator">
      <h2 id="settings-operator">Operator</h2>
      {/* Keyed by the saved name so a change made elsewhere resets the field. */}
      <DisplayNameForm key={settings.data.displayName} saved={settings.data.displayName} />
      <div className="field">
        <label htmlFor="settings-theme">Theme</label>
        <select
          id="settings-theme"
          data-testid="settings-theme"
          value={settings.data.theme}
          disabled={update.isPending}
          onChange={(event) => update.mutate({ theme: event.target.value as Settings['theme'] })}
        >
          {THEMES.map((theme) => (
            <option key={theme.value} value={theme.value}>
              {theme.label}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}
