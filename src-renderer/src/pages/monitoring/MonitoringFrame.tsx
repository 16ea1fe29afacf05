import { useState, type ReactNode } from 'react';
import type { EnvironmentView, MonitoringSnapshot } from '@shared/contract';
import { useSelectedEnvironment } from '../../app/SelectedEnvironment';
import { EmptyState, ErrorPanel, Loading } from '../../components/Panels';
import { useMonitoringConfig, useMonitoringSnapshot } from '../../queries/monitoring';
import { MonitoringConfigForm } from './MonitoringConfigForm';

/**
 * The frame of the Queues, Lag and Sync gaps pages: the selected
 * environment, its live snapshot, and the monitoring configuration form
 * (opened from here, or offered when nothing is configured yet).
 */
export function MonitoringFrame({
  title,
  children,
}: {
  title: string;
  children: (snapshot: MonitoringSnapshot, environment: EnvironmentView) => ReactNode;
}) {
  const { environment } = useSelectedEnvironment();
  const environmentId = environment?.id ?? null;
  const snapshot = useMonitoringSnapshot(environmentId);
  const config = useMonitoringConfig(environmentId);
  const [editing, setEditing] = useState(false);

  if (!environment) {
    return (
      <div className="page">
        <h1>{title}</h1>
        <EmptyState title="No environment yet">
          Add an environment in Settings, then set up what to monitor in it.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="page monitoring-page">
      <div className="page-head">
        <h1>
          {title} <span className="muted">· {environment.name}</span>
        </h1>
        {config.data !== undefined && !editing ? (
          <button
            type="button"
            className="button"
            onClick={() => setEditing(true)}
            data-testid="monitoring-configure"
          >
            {config.data ? 'Configure monitoring' : 'Set up monitoring'}
          </button>
        ) : null}
      </div>
      {editing && config.data !== undefined ? (
        <MonitoringConfigForm
          key={environment.id}
          environmentId={environment.id}
          environmentName={environment.name}
          config={config.data}
          onDone={() => setEditing(false)}
        />
      ) : null}
      {config.isError ? (
        <ErrorPanel error={config.error} onRetry={() => void config.refetch()} />
      ) : null}
      {snapshot.isPending ? <Loading what="monitoring data" /> : null}
      {snapshot.isError ? (
        <ErrorPanel error={snapshot.error} onRetry={() => void snapshot.refetch()} />
      ) : null}
      {snapshot.data && !snapshot.data.configured && !editing ? (
        <EmptyState
          title={`${environment.name} is not monitored yet`}
          action={
            <button
              type="button"
              className="button button-primary"
              onClick={() => setEditing(true)}
            >
              Set up monitoring
            </button>
          }
        >
          Choose the Redis queues, Kafka consumer groups and PostgreSQL tables to watch, how often,
          and when to raise an alert.
        </EmptyState>
      ) : null}
      {snapshot.data && snapshot.data.configured ? children(snapshot.data, environment) : null}
    </div>
  );
}
