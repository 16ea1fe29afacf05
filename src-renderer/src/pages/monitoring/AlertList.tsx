import { useState } from 'react';
import { useApi } from '../../api/ApiContext';
import type { Alert, AlertKind, AlertState } from '@shared/contract';
import { EmptyState, ErrorPanel, Loading } from '../../components/Panels';
import { MatchingRunbooks } from '../../components/runbooks/MatchingRunbooks';
import { useAcknowledgeAlert, useAlerts, useResolveAlert } from '../../queries/monitoring';
import { formatSince } from './format';

/** Where each kind of alert points in the pipeline, for runbook matching. */
const SOURCE_OF: Record<AlertKind, string> = {
  'queue-depth': 'redis',
  'dlq-growth': 'redis',
  'group-status': 'kafka',
  'gap-age': 'postgres',
  'source-down': 'source',
};

function AlertRow({
  alert,
  environmentName,
}: {
  alert: Alert;
  environmentName: string | undefined;
}) {
  const acknowledge = useAcknowledgeAlert();
  const resolve = useResolveAlert();
  const [open, setOpen] = useState(false);
  const busy = acknowledge.isPending || resolve.isPending;
  return (
    <li className={`alert-item alert-${alert.state}`} data-testid="alert" data-kind={alert.kind}>
      <div className="alert-head">
        <span className={`alert-state alert-state-${alert.state}`}>{alert.state}</span>
        <strong className="alert-title">{alert.title}</strong>
        {environmentName ? <span className="muted"> · {environmentName}</span> : null}
      </div>
      <div className="alert-detail">{alert.detail}</div>
      <div className="alert-meta muted">
        {alert.kind} · {alert.target} · opened {formatSince(alert.openedAt)}
        {alert.acknowledgedBy ? ` · acknowledged by ${alert.acknowledgedBy}` : ''}
        {alert.resolvedAt
          ? ` · resolved ${formatSince(alert.resolvedAt)} by ${alert.resolvedBy}`
          : ''}
      </div>
      <div className="alert-actions">
        {alert.state === 'open' ? (
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            onClick={() => acknowledge.mutate(alert.id)}
            data-testid="alert-acknowledge"
          >
            Acknowledge
          </button>
        ) : null}
        {alert.state !== 'resolved' ? (
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            onClick={() => resolve.mutate(alert.id)}
            data-testid="alert-resolve"
          >
            Resolve
          </button>
        ) : null}
        <button
          type="button"
          className="button button-small"
          aria-expanded={open}
          onClick={() => setOpen((value) => !value)}
        >
          {open ? 'Hide runbooks' : 'Runbooks'}
        </button>
      </div>
      {open ? (
        <MatchingRunbooks
          alertKind={alert.kind}
          reason={`${alert.title}: ${alert.detail}`}
          source={alert.kind === 'source-down' ? alert.target : SOURCE_OF[alert.kind]}
          environment={environmentName}
          heading="Runbooks for this alert"
        />
      ) : null}
    </li>
  );
}

/**
 * In browser mode the page can raise the browser's own notifications once the
 * operator allows it; the desktop app's core raises system notifications itself.
 */
function BrowserNotificationsButton() {
  const api = useApi();
  const [permission, setPermission] = useState(() =>
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  if (api.transport !== 'http' || permission !== 'default') return null;
  return (
    <button
      type="button"
      className="button button-small"
      onClick={() => {
        void Notification.requestPermission().then(setPermission);
      }}
    >
      Notify me in this browser
    </button>
  );
}

/**
 * Alerts of one environment (or all), newest first, with acknowledge and
 * resolve. Resolving a condition that still holds keeps it quiet until it
 * clears and returns.
 */
export function AlertList({
  environmentId,
  environmentNames,
  title = 'Alerts',
}: {
  environmentId: string | null;
  environmentNames?: Map<string, string>;
  title?: string;
}) {
  const [showResolved, setShowResolved] = useState(false);
  const states: AlertState[] = showResolved
    ? ['open', 'acknowledged', 'resolved']
    : ['open', 'acknowledged'];
  const alerts = useAlerts(environmentId, states);
  return (
    <section className="alert-list card" data-testid="alert-list" aria-label={title}>
      <div className="section-head">
        <h2>{title}</h2>
        <BrowserNotificationsButton />
        <label className="checkbox-inline">
          <input
            type="checkbox"
            checked={showResolved}
            onChange={(event) => setShowResolved(event.target.checked)}
          />{' '}
          show resolved
        </label>
      </div>
      {alerts.isPending ? <Loading what="alerts" /> : null}
      {alerts.isError ? (
        <ErrorPanel error={alerts.error} onRetry={() => void alerts.refetch()} />
      ) : null}
      {alerts.data && alerts.data.length === 0 ? (
        <EmptyState title={showResolved ? 'No alerts yet' : 'No open alerts'} />
      ) : null}
      {alerts.data && alerts.data.length > 0 ? (
        <ul className="alert-items">
          {alerts.data.map((alert) => (
            <AlertRow
              key={alert.id}
              alert={alert}
              environmentName={environmentNames?.get(alert.environmentId)}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
