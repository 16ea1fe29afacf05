import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { Connection } from '../api/connect';
import { ApiProvider } from '../api/ApiContext';
import { Toasts } from '../components/Toasts';
import { useCoreEventInvalidation } from '../queries/events';
import { ErrorBoundary } from './ErrorBoundary';
import { SelectedEnvironmentProvider } from './SelectedEnvironment';
import { Shell } from './Shell';

function CoreEvents({ onReconnect }: { onReconnect: Connection['onReconnect'] }) {
  useCoreEventInvalidation(onReconnect);
  return null;
}

export function App({
  connection,
  queryClient,
}: {
  connection: Connection;
  queryClient: QueryClient;
}) {
  return (
    <ErrorBoundary scope="Sluice">
      <QueryClientProvider client={queryClient}>
        <ApiProvider api={connection.api}>
          <CoreEvents onReconnect={connection.onReconnect} />
          <SelectedEnvironmentProvider>
            <Shell />
          </SelectedEnvironmentProvider>
        </ApiProvider>
      </QueryClientProvider>
      <Toasts />
    </ErrorBoundary>
  );
}

/** The page was opened without a bridge: say how Sluice is meant to be opened. */
export function NoConnection() {
  return (
    <div className="no-connection" role="alert">
      <h1>Sluice cannot reach its core</h1>
      <p>
        Open Sluice from the desktop app, or in browser mode use the full address printed by{' '}
        <code>npm run serve</code> (it contains <code>/t/&lt;token&gt;/</code>).
      </p>
    </div>
  );
}
