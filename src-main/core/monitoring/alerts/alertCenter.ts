import type { Alert, AlertRule } from '@shared/contract';
import type { Logger } from '@shared/log/logger';
import type { EventBus } from '../../rpc/eventBus';
import { CONDITION_CLEARED, type AlertRepository } from './alertRepository';
import { AlertRuleEvaluator, type AlertObservation } from './ruleEvaluator';

export interface AlertCenterDeps {
  repository: AlertRepository;
  events: EventBus;
  logger: Logger;
  notify(title: string, body: string): void;
}

/**
 * The alert lifecycle of one environment: evaluates its rules on each
 * observation, opens an alert (and notifies) when a condition fires, resolves
 * it when the condition clears, and remembers operator resolutions so a
 * still-true condition does not fire again at once.
 */
export class EnvironmentAlerts {
  private readonly evaluator: AlertRuleEvaluator;

  constructor(
    private readonly environmentId: string,
    private environmentName: string,
    rules: readonly AlertRule[],
    private readonly deps: AlertCenterDeps,
  ) {
    this.evaluator = new AlertRuleEvaluator(rules);
    // Alerts left open by an earlier run can clear when their condition is seen false.
    for (const alert of deps.repository.active(environmentId)) {
      this.evaluator.markFiring(alert.ruleId, alert.target);
    }
  }

  rename(name: string): void {
    this.environmentName = name;
  }

  observe(observation: AlertObservation, now: number): void {
    const transitions = this.evaluator.evaluate(observation, now);
    if (transitions.fired.length === 0 && transitions.cleared.length === 0) return;
    const at = new Date(now);
    const changed: string[] = [];
    for (const firing of transitions.fired) {
      const alert = this.deps.repository.open(this.environmentId, firing, at);
      if (!alert) continue;
      changed.push(alert.id);
      this.deps.logger.warn('alert opened', {
        environmentId: this.environmentId,
        kind: alert.kind,
        target: alert.target,
      });
      try {
        this.deps.notify(`${this.environmentName}: ${alert.title}`, alert.detail);
      } catch (error) {
        this.deps.logger.error('notification failed', { error });
      }
    }
    for (const cleared of transitions.cleared) {
      const alert = this.deps.repository.resolveCondition(
        this.environmentId,
        cleared.ruleId,
        cleared.target,
        CONDITION_CLEARED,
        at,
      );
      if (alert) changed.push(alert.id);
    }
    if (changed.length > 0) this.announce(changed);
  }

  /** An operator resolved this alert. */
  resolvedByOperator(alert: Alert): void {
    this.evaluator.suppress(alert.ruleId, alert.target);
  }

  announce(alertIds: string[]): void {
    const counts = this.deps.repository.counts(this.environmentId);
    this.deps.events.emit('monitoring.alerts', {
      environmentId: this.environmentId,
      alertIds,
      openCount: counts.open + counts.acknowledged,
    });
  }
}
