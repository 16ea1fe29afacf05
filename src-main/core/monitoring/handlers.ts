import type { Alert } from '@shared/contract';
import type { EnvironmentService } from '../environments/service';
import type { HandlersFor } from '../rpc/dispatcher';
import type { SubjectResolvers } from '../rpc/guards';
import type { MonitoringService } from './service';

/** An alert acts in its environment, and is still named when that environment is gone. */
export function monitoringSubjects(
  monitoring: MonitoringService,
  environments: EnvironmentService,
): Pick<SubjectResolvers, 'alert'> {
  return {
    alert: ({ alertId }) => {
      const alert: Alert = monitoring.getAlert(alertId);
      let environment: ReturnType<EnvironmentService['require']> | null = null;
      try {
        environment = environments.require(alert.environmentId);
      } catch {
        // The environment is gone; the record still names the alert.
      }
      return { environment, targets: [{ type: 'alert', id: alert.id, name: alert.title }] };
    },
  };
}

export function monitoringHandlers(
  monitoring: MonitoringService,
  environments: EnvironmentService,
): HandlersFor<
  | 'monitoring.config.get'
  | 'monitoring.config.save'
  | 'monitoring.overview'
  | 'monitoring.snapshot'
  | 'monitoring.partitions'
  | 'monitoring.history'
  | 'monitoring.alerts.list'
  | 'monitoring.alerts.acknowledge'
  | 'monitoring.alerts.resolve'
> {
  return {
    'monitoring.config.get': async ({ environmentId }) => monitoring.getConfig(environmentId),
    'monitoring.config.save': async ({ environmentId, config }, ctx) => {
      const environment = environments.require(environmentId);
      ctx.audit.targets([
        { type: 'monitoring-config', id: environment.id, name: environment.name },
      ]);
      ctx.audit.before(monitoring.getConfig(environmentId));
      const saved = await monitoring.saveConfig(environmentId, config);
      ctx.audit.after(saved);
      return saved;
    },
    'monitoring.overview': async () => monitoring.overview(),
    'monitoring.snapshot': async ({ environmentId }) => monitoring.snapshot(environmentId),
    'monitoring.partitions': async ({ environmentId, groupId }) =>
      monitoring.partitions(environmentId, groupId),
    'monitoring.history': async ({ environmentId, window, series }) =>
      monitoring.queryHistory(environmentId, window, series),
    'monitoring.alerts.list': async ({ environmentId, states, limit }) =>
      monitoring.listAlerts({ ...(environmentId ? { environmentId } : {}), states, limit }),
    'monitoring.alerts.acknowledge': async ({ id }, ctx) => {
      const alert = monitoring.acknowledgeAlert(id);
      ctx.audit.after({ state: alert.state, acknowledgedBy: alert.acknowledgedBy });
      return alert;
    },
    'monitoring.alerts.resolve': async ({ id }, ctx) => {
      const before = monitoring.getAlert(id);
      ctx.audit.before({ state: before.state });
      const alert = monitoring.resolveAlert(id);
      ctx.audit.after({ state: alert.state, resolvedBy: alert.resolvedBy });
      return alert;
    },
  };
}
