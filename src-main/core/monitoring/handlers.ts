import type { Alert } from '@shared/contract';
import type { EnvironmentService } from '../environments/service';
import type { HandlersFor } from '../rpc/dispatcher';
import type { MonitoringService } from './service';

type AuditedContext = Parameters<
  HandlersFor<'monitoring.alerts.acknowledge'>['monitoring.alerts.acknowledge']
>[1];

/** Names the environment and the alert in the audit record of an alert action. */
function auditAlert(ctx: AuditedContext, environments: EnvironmentService, alert: Alert): void {
  try {
    const environment = environments.require(alert.environmentId);
    ctx.audit.environment({ id: environment.id, name: environment.name });
  } catch {
    // The environment is gone; the record still names the alert.
  }
  ctx.audit.targets([{ type: 'alert', id: alert.id, name: alert.title }]);
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
      ctx.audit.environment({ id: environment.id, name: environment.name });
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
      auditAlert(ctx, environments, monitoring.getAlert(id));
      const alert = monitoring.acknowledgeAlert(id);
      ctx.audit.after({ state: alert.state, acknowledgedBy: alert.acknowledgedBy });
      return alert;
    },
    'monitoring.alerts.resolve': async ({ id }, ctx) => {
      const before = monitoring.getAlert(id);
      auditAlert(ctx, environments, before);
      ctx.audit.before({ state: before.state });
      const alert = monitoring.resolveAlert(id);
      ctx.audit.after({ state: alert.state, resolvedBy: alert.resolvedBy });
      return alert;
    },
  };
}
