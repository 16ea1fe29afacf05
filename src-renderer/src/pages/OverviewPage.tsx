import { ColourChip, EnvironmentFlags } from '../components/EnvironmentFlags';
import { EmptyState, ErrorPanel, Loading } from '../components/Panels';
import { useAppInfo } from '../queries/app';
import { useEnvironments } from '../queries/environments';
import { MonitoringOverview } from './overview/MonitoringOverview';
import { serviceSummaries } from './serviceSummary';

export function OverviewPage({ onOpenSettings }: { onOpenSettings: () => void }) {
  const environments = useEnvironments();
  const info = useAppInfo();

  return (
    <div className="page">
      <h1>Overview</h1>
      {environments.isPending ? <Loading what="environments" /> : null}
      {environments.isError ? (
        <ErrorPanel error={environments.error} onRetry={() => void environments.refetch()} />
      ) : null}
      {environments.data && environments.data.length === 0 ? (
        <EmptyState
          title="No environments yet — add one in Settings"
          action={
            <button type="button" className="button button-primary" onClick={onOpenSettings}>
              Open Settings
            </button>
          }
        >
          An environment names the Redis, PostgreSQL and Kafka of one deployment (for example
          staging or production). Sluice watches nothing until one exists.
        </EmptyState>
      ) : null}
      {environments.data && environments.data.length > 0 ? (
        <table className="table" data-testid="overview-environments">
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Redis</th>
              <th scope="col">PostgreSQL</th>
              <th scope="col">Kafka</th>
            </tr>
          </thead>
          <tbody>
            {environments.data.map((environment) => (
              <tr key={environment.id} data-testid={`overview-env-${environment.id}`}>
                <th scope="row">
                  <ColourChip colour={environment.colour} /> {environment.name}{' '}
                  <EnvironmentFlags environment={environment} />
                </th>
                {serviceSummaries(environment).map((service) => (
                  <td key={service.label} className={service.configured ? '' : 'muted'}>
                    {service.configured ? (service.target ?? 'configured') : 'not configured'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {environments.data && environments.data.length > 0 ? <MonitoringOverview /> : null}
      {info.data ? (
        <p className="muted app-facts">
          Sluice {info.data.version} · {info.data.mode === 'browser' ? 'browser mode' : 'desktop'} ·
          operator {info.data.operator.displayName || info.data.operator.osUser}@
          {info.data.operator.hostName}
        </p>
      ) : null}
    </div>
  );
}
