import type {
  AlertKind,
  AlertRule,
  PartitionStatusName,
  ServiceKind,
  ServerHealth,
} from '@shared/contract';
import { statusAtLeast } from '../lag/burrow';

/** The latest readings the rules look at. A field left undefined was not observed this time. */
export interface AlertObservation {
  queues?: { key: string; depth: number | null }[];
  deadLetters?: { key: string; depth: number | null }[];
  groups?: { groupId: string; status: PartitionStatusName; totalLag: number }[];
  gaps?: { table: string; oldestAgeSeconds: number | null; count: number | null }[];
  servers?: (Pick<ServerHealth, 'server' | 'state' | 'message'> & { sinceMs: number | null })[];
}

export interface AlertFiring {
  ruleId: string;
  kind: AlertKind;
  target: string;
  title: string;
  detail: string;
  value: number | null;
}

export interface AlertTransitions {
  /** Conditions that became true (and held for the rule's duration). */
  fired: AlertFiring[];
  /** Conditions that were firing and are now false. */
  cleared: { ruleId: string; target: string }[];
}

interface ConditionState {
  /** When the condition was first seen true in the current streak. */
  trueSince: number | null;
  firing: boolean;
  /** Resolved by hand while still true: do not fire again until it clears. */
  suppressed: boolean;
  /** dlq-growth: recent depths. */
  depths: { at: number; depth: number }[];
}

/** One rule's verdict on one target: null when nothing was observed for it. */
interface Verdict {
  target: string;
  holds: boolean;
  value: number | null;
  title: string;
  detail: string;
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function stateKey(ruleId: string, target: string): string {
  return `${ruleId}\u0000${target}`;
}

/**
 * Evaluates an environment's alert rules on each observation. Conditions with
 * a duration must hold for that long before they fire; a condition whose
 * source was not observed keeps its state (a Redis outage does not resolve a
 * queue-depth alert). Pure apart from its own memory; time comes from callers.
 */
export class AlertRuleEvaluator {
  private readonly states = new Map<string, ConditionState>();

  constructor(private rules: readonly AlertRule[]) {}

  setRules(rules: readonly AlertRule[]): void {
    this.rules = rules;
    const ids = new Set(rules.map((r) => r.id));
    for (const key of this.states.keys()) {
      if (!ids.has(key.slice(0, key.indexOf('\u0000')))) this.states.delete(key);
    }
  }

  /** Alerts already open in the store: their conditions count as firing, so they can clear. */
  markFiring(ruleId: string, target: string): void {
    this.state(ruleId, target).firing = true;
  }

  /** An operator resolved the alert: stay quiet until the condition clears. */
  suppress(ruleId: string, target: string): void {
    const state = this.state(ruleId, target);
    if (state.firing) state.suppressed = true;
    state.firing = false;
  }

  private state(ruleId: string, target: string): ConditionState {
    const key = stateKey(ruleId, target);
    let state = this.states.get(key);
    if (!state) {
      state = { trueSince: null, firing: false, suppressed: false, depths: [] };
      this.states.set(key, state);
    }
    return state;
  }

  evaluate(observation: AlertObservation, now: number): AlertTransitions {
    const transitions: AlertTransitions = { fired: [], cleared: [] };
    for (const rule of this.rules) {
      if (!rule.enabled) continue;
      const verdicts = this.verdicts(rule, observation, now);
      if (verdicts === null) continue;
      // source-down measures its duration from the outage's start, in its verdict.
      const forMs =
        rule.kind !== 'source-down' && 'forSeconds' in rule ? rule.forSeconds * 1000 : 0;
      for (const verdict of verdicts) {
        const state = this.state(rule.id, verdict.target);
        if (!verdict.holds) {
          state.trueSince = null;
          state.suppressed = false;
          if (state.firing) {
            state.firing = false;
            transitions.cleared.push({ ruleId: rule.id, target: verdict.target });
          }
          continue;
        }
        state.trueSince ??= now;
        if (state.firing || state.suppressed || now - state.trueSince < forMs) continue;
        state.firing = true;
        transitions.fired.push({
          ruleId: rule.id,
          kind: rule.kind,
          target: verdict.target,
          title: verdict.title,
          detail: verdict.detail,
          value: verdict.value,
        });
      }
    }
    return transitions;
  }

  /** null: this rule's source was not part of the observation. */
  private verdicts(rule: AlertRule, o: AlertObservation, now: number): Verdict[] | null {
    switch (rule.kind) {
      case 'queue-depth': {
        if (!o.queues) return null;
        return o.queues
          .filter((q) => q.depth !== null && (rule.key === null || q.key === rule.key))
          .map((q) => ({
            target: q.key,
            holds: q.depth! > rule.above,
            value: q.depth,
            title: `Queue ${q.key} is ${q.depth} deep`,
            detail: `above ${rule.above} for at least ${formatSeconds(rule.forSeconds)}`,
          }));
      }
      case 'dlq-growth': {
        if (!o.deadLetters) return null;
        return o.deadLetters
          .filter((d) => d.depth !== null && (rule.key === null || d.key === rule.key))
          .map((d) => {
            const state = this.state(rule.id, d.key);
            state.depths.push({ at: now, depth: d.depth! });
            const horizon = now - rule.withinSeconds * 1000;
            while (state.depths.length > 1 && state.depths[0]!.at < horizon) state.depths.shift();
            const lowest = Math.min(...state.depths.map((s) => s.depth));
            const growth = d.depth! - lowest;
            return {
              target: d.key,
              holds: state.depths.length > 1 && growth >= rule.growthAtLeast,
              value: growth,
              title: `Dead letters in ${d.key} grew by ${growth}`,
              detail: `${d.depth} entries now; ${growth} added within ${formatSeconds(rule.withinSeconds)}`,
            };
          });
      }
      case 'group-status': {
        if (!o.groups) return null;
        return o.groups
          .filter((g) => rule.groupId === null || g.groupId === rule.groupId)
          .map((g) => ({
            target: g.groupId,
            holds: statusAtLeast(g.status, rule.atLeast),
            value: g.totalLag,
            title: `Consumer group ${g.groupId} is ${g.status}`,
            detail: `status ${g.status} (alert at ${rule.atLeast} or worse), total lag ${g.totalLag}`,
          }));
      }
      case 'gap-age': {
        if (!o.gaps) return null;
        return o.gaps
          .filter((g) => g.count !== null && (rule.table === null || g.table === rule.table))
          .map((g) => {
            const age = g.oldestAgeSeconds ?? 0;
            return {
              target: g.table,
              holds: age > rule.aboveSeconds,
              value: age,
              title: `Sync gap of ${g.table}: oldest row ${formatSeconds(age)} behind`,
              detail: `${g.count} rows not synced; oldest above ${formatSeconds(rule.aboveSeconds)}`,
            };
          });
      }
      case 'source-down': {
        if (!o.servers) return null;
        return o.servers
          .filter((s) => rule.source === null || s.server === rule.source)
          .filter((s) => s.state === 'up' || s.state === 'down')
          .map((s) => {
            const downFor = s.state === 'down' && s.sinceMs !== null ? (now - s.sinceMs) / 1000 : 0;
            return {
              target: s.server,
              // The server's own "since" is the start of the outage: no second timer needed.
              holds: s.state === 'down' && downFor >= rule.forSeconds,
              value: downFor,
              title: `${serverName(s.server)} is down`,
              detail: s.message ?? 'no answer',
            };
          });
      }
    }
  }
}

function serverName(server: ServiceKind): string {
  return server === 'redis' ? 'Redis' : server === 'kafka' ? 'Kafka' : 'PostgreSQL';
}
