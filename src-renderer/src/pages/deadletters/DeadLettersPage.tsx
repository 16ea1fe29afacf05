import { useState } from 'react';
import { useSelectedEnvironment } from '../../app/SelectedEnvironment';
import { EmptyState, ErrorPanel, Loading } from '../../components/Panels';
import { useDeadLetterEvents, useDeadLetterSources } from '../../queries/deadletters';
import { BrowsePane } from './BrowsePane';
import { JobsPanel } from './JobsPanel';
import { SourceList } from './SourceList';
import './deadletters.css';
import './deadletterJobs.css';

/**
 * The dead-letter workbench: every dead-letter source of the selected
 * environment with its count and growth, a browser for the chosen one, and
 * the replay jobs of the environment.
 */
export function DeadLettersPage() {
  useDeadLetterEvents();
  const { environment } = useSelectedEnvironment();
  const sources = useDeadLetterSources(environment?.id ?? null);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const list = sources.data ?? [];
  const selected = list.find((source) => source.id === selectedId) ?? list[0] ?? null;

  if (!environment) {
    return (
      <div className="page">
        <h1>Dead letters</h1>
        <EmptyState title="No environment yet">
          Add an environment in Settings, then its dead-letter sources here.
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="page dl-page" data-testid="deadletters-page">
      <h1>Dead letters</h1>
      {sources.isError ? (
        <ErrorPanel error={sources.error} onRetry={() => sources.refetch()} />
      ) : null}
      <div className="dl-layout">
        <aside className="dl-sources">
          {sources.isPending ? (
            <Loading what="dead-letter sources" />
          ) : (
            <SourceList
              environment={environment}
              sources={list}
              selectedId={selected?.id ?? null}
              onSelect={setSelectedId}
            />
          )}
        </aside>
        <section className="dl-main">
          {selected ? (
            <BrowsePane key={selected.id} environment={environment} source={selected} />
          ) : sources.isPending ? null : (
            <EmptyState title="No dead-letter sources in this environment">
              Add a Redis list, a Kafka topic or a PostgreSQL table that holds dead letters.
            </EmptyState>
          )}
          <JobsPanel environment={environment} />
        </section>
      </div>
    </div>
  );
}
