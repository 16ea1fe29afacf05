import type { OverviewRow } from '@shared/contract';
import { hashFor } from '../../app/routes';
import { useSelectedEnvironment } from '../../app/SelectedEnvironment';
import { ColourChip } from '../../components/EnvironmentFlags';
import { ErrorPanel, Loading } from '../../components/Panels';
import { useMonitoringOverview } from '../../queries/monitoring';
import { AlertList } from '../monitoring/AlertList';
import { formatCount, formatSeconds, formatTrend } from '../monitoring/format';
import { HealthChip } from '../monitoring/ServerHealth';
import { StatusBadge } from '../monitoring/StatusBadge';

type MonitoringPage = 'queues' | 'lag' | 'sync-gaps';

function openPage(page: MonitoringPage): void {
  window.location.hash = hashFor(page);
}

function Row({ row }: { row: OverviewRow }) {
  const { select } = useSelectedEnvironment();
  const open = (page: MonitoringPage) => {
    select(row.environmentId);
    openPage(page);
  };
  if (!row.configured) {
    return (
      <tr data-testid={`monitoring-row-${row.environmentId}`}>
        <th scope="row">
          <ColourChip colour={row.colour} /> {row.name}
        </th>
        <td colSpan={6} className="muted">
          not monitored —{' '}
          <button type="button" className="link-button" onClick={() => open('queues')}>
            set up monitoring
          </button>
        </td>
      </tr>
    );
  }
  return (
    <tr data-testid={`monitoring-row-${row.environmentId}`}>
      <th scope="row">
        <ColourChip colour={row.colour} /> {row.name}
      </th>
      <td className="num">
        <button
          type="button"
          className="link-button"
          onClick={() => open('queues')}
          data-testid="overview-depth"
        >
          {formatCount(row.queueDepth)}
        </button>{' '}
        <span className={row.queueTrend !== null && row.queueTrend > 0 ? 'trend-up' : 'muted'}>
          {formatTrend(row.queueTrend)}
        </span>
      </td>
      <td>
        <button
          type="button"
          className="link-button"
          onClick={() => open('lag')}
          data-testid="overview-status"
        >
          <StatusBadge status={row.worstGroupStatus} />
        </button>{' '}
        {row.totalLag !== null ? (
          <span className="muted">lag {formatCount(row.totalLag)}</span>
        ) : null}
      </td>
      <td className="num">
        <button
          type="button"
          className="link-button"
          onClick={() => open('sync-gaps')}
          data-testid="overview-gap"
        >
          {formatCount(row.gapCount)}
        </button>{' '}
        {row.gapCount ? (
          <span className="muted">oldest {formatSeconds(row.gapOldestAgeSeconds)}</span>
        ) : null}
      </td>
      <td className="num">{formatCount(row.deadLetterCount)}</td>
      <td className="num" data-testid="overview-alerts">
        {row.openAlerts > 0 ? <strong className="alert-count">{row.openAlerts}</strong> : '0'}
      </td>
      <td>
        <div className="health-chips">
          {row.servers
            .filter((s) => s.state !== 'not-configured' && s.state !== 'disabled')
            .map((s) => (
              <HealthChip key={s.server} health={s} />
            ))}
        </div>
      </td>
    </tr>
  );
}

/**
 * One row per environment: queue depth and trend, worst consumer group
 * status, sync gap and its oldest row, dead letters, open alerts and each
 * source's health; then the open alerts of every environment.
 */
export function MonitoringOverview() {
  const overview = useMonitoringOverview();
  const names = new Map((overview.data ?? []).map((row) => [row.environmentId, row.name]));
  return (
    <section className="monitoring-overview" data-testid="monitoring-overview">
      <h2>Pipeline health</h2>
      {overview.isPending ? <Loading what="monitoring" /> : null}
      {overview.isError ? (
        <ErrorPanel error={overview.error} onRetry={() => void overview.refetch()} />
      ) : null}
      {overview.data && overview.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col" className="num">
                Queue depth
              </th>
              <th scope="col">Consumer groups</th>
              <th scope="col" className="num">
                Sync gap
              </th>
              <th scope="col" className="num">
                Dead letters
              </th>
              <th scope="col" className="num">
                Open alerts
              </th>
              <th scope="col">Sources</th>
            </tr>
          </thead>
          <tbody>
            {overview.data.map((row) => (
              <Row key={row.environmentId} row={row} />
            ))}
          </tbody>
        </table>
      ) : null}
      {overview.data && overview.data.some((row) => row.configured) ? (
        <AlertList
          environmentId={null}
          environmentNames={names}
          title="Open alerts, every environment"
        />
      ) : null}
    </section>
  );
}
