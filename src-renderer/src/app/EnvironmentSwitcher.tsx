import { ColourChip, EnvironmentFlags } from '../components/EnvironmentFlags';
import { useEnvironments } from '../queries/environments';
import { useSelectedEnvironment } from './SelectedEnvironment';

/**
 * The environment everything else looks at. Production is meant to be
 * impossible to miss: the colour bar grows thick and says so.
 */
export function EnvironmentSwitcher({ onAddEnvironment }: { onAddEnvironment: () => void }) {
  const { data: environments, isPending } = useEnvironments();
  const { environment, select } = useSelectedEnvironment();

  if (isPending) return <div className="env-switcher muted">Loading environments…</div>;
  if (!environments || environments.length === 0) {
    return (
      <div className="env-switcher">
        <span className="muted">No environments yet</span>
        <button type="button" className="button button-small" onClick={onAddEnvironment}>
          Add one in Settings
        </button>
      </div>
    );
  }

  return (
    <div className="env-switcher">
      {environment ? <ColourChip colour={environment.colour} /> : null}
      <label className="visually-hidden" htmlFor="env-switcher-select">
        Environment
      </label>
      <select
        id="env-switcher-select"
        data-testid="env-switcher"
        value={environment?.id ?? ''}
        onChange={(event) => select(event.target.value)}
      >
        {environments.map((e) => (
          <option key={e.id} value={e.id}>
            {e.name}
            {e.production ? ' (production)' : ''}
            {e.readOnly ? ' (read-only)' : ''}
          </option>
        ))}
      </select>
      {environment ? <EnvironmentFlags environment={environment} /> : null}
    </div>
  );
}

/** The strip across the top of the window in the selected environment's colour. */
export function EnvironmentBar() {
  const { environment } = useSelectedEnvironment();
  if (!environment) return <div className="env-bar env-bar-none" data-testid="env-bar" />;
  return (
    <div
      className={environment.production ? 'env-bar env-bar-production' : 'env-bar'}
      style={{ backgroundColor: environment.colour }}
      data-testid="env-bar"
      data-production={environment.production ? 'true' : 'false'}
    >
      {environment.production ? (
        <span className="env-bar-label">PRODUCTION — {environment.name}</span>
      ) : null}
    </div>
  );
}
