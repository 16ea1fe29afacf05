import { useCallback, useEffect, useState } from 'react';
import { CommandPalette } from './CommandPalette';
import { EnvironmentBar, EnvironmentSwitcher } from './EnvironmentSwitcher';
import { ErrorBoundary } from './ErrorBoundary';
import { pages, type PageId } from './routes';
import { useSelectedEnvironment } from './SelectedEnvironment';
import { useAppliedTheme } from './theme';
import { useHashRoute } from './useHashRoute';
import { AuditPage } from '../pages/audit/AuditPage';
import { DeadLettersPage } from '../pages/deadletters/DeadLettersPage';
import { LagPage } from '../pages/lag/LagPage';
import { MonitoringLive } from '../pages/monitoring/MonitoringLive';
import { OverviewPage } from '../pages/OverviewPage';
import { QueuesPage } from '../pages/queues/QueuesPage';
import { RunbooksPage } from '../pages/runbooks/RunbooksPage';
import { SettingsPage } from '../pages/settings/SettingsPage';
import { SyncGapsPage } from '../pages/sync-gaps/SyncGapsPage';
import { useUpdateSettings } from '../queries/app';
import type { Settings } from '@shared/contract';

function CurrentPage({ page, navigate }: { page: PageId; navigate: (page: PageId) => void }) {
  if (page === 'settings') return <SettingsPage />;
  if (page === 'runbooks') return <RunbooksPage />;
  if (page === 'audit') return <AuditPage />;
  if (page === 'dead-letters') return <DeadLettersPage />;
  if (page === 'queues') return <QueuesPage />;
  if (page === 'lag') return <LagPage />;
  if (page === 'sync-gaps') return <SyncGapsPage />;
  return <OverviewPage onOpenSettings={() => navigate('settings')} />;
}

export function Shell() {
  useAppliedTheme();
  const [page, navigate] = useHashRoute();
  const [paletteOpen, setPaletteOpen] = useState(false);
  const { select } = useSelectedEnvironment();
  const updateSettings = useUpdateSettings();
  const { mutate: updateSettingsMutate } = updateSettings;
  const setTheme = useCallback(
    (theme: Settings['theme']) => updateSettingsMutate({ theme }),
    [updateSettingsMutate],
  );

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setPaletteOpen((open) => !open);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const closePalette = useCallback(() => setPaletteOpen(false), []);

  return (
    <div className="shell">
      <MonitoringLive />
      <EnvironmentBar />
      <header className="header">
        <span className="brand">Sluice</span>
        <EnvironmentSwitcher onAddEnvironment={() => navigate('settings')} />
        <button
          type="button"
          className="button button-small palette-hint"
          onClick={() => setPaletteOpen(true)}
          title="Command palette"
        >
          Commands <kbd>Ctrl</kbd>+<kbd>K</kbd>
        </button>
      </header>
      <div className="body">
        <nav className="nav" aria-label="Pages">
          <ul>
            {pages.map((entry) => (
              <li key={entry.id}>
                <a
                  href={`#/${entry.id}`}
                  data-testid={`nav-${entry.id}`}
                  className={entry.id === page ? 'nav-link active' : 'nav-link'}
                  aria-current={entry.id === page ? 'page' : undefined}
                >
                  {entry.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main className="main">
          <ErrorBoundary key={page} scope="This page">
            <CurrentPage page={page} navigate={navigate} />
          </ErrorBoundary>
        </main>
      </div>
      {paletteOpen ? (
        <CommandPalette
          onClose={closePalette}
          navigate={navigate}
          selectEnvironment={select}
          setTheme={setTheme}
        />
      ) : null}
    </div>
  );
}
