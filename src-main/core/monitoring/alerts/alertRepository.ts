import { randomUUID } from 'node:crypto';
import { SluiceError, type Alert, type AlertKind, type AlertState } from '@shared/contract';
import type { Db } from '../../store/database';
import type { AlertFiring } from './ruleEvaluator';

interface AlertRow {
  id: string;
  environment_id: string;
  rule_id: string;
  kind: string;
  target: string;
  state: AlertState;
  title: string;
  detail: string;
  value: number | null;
  opened_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
}

function fromRow(row: AlertRow): Alert {
  return {
    id: row.id,
    environmentId: row.environment_id,
    ruleId: row.rule_id,
    kind: row.kind as AlertKind,
    target: row.target,
    state: row.state,
    title: row.title,
    detail: row.detail,
    value: row.value,
    openedAt: row.opened_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
  };
}

export const CONDITION_CLEARED = 'condition cleared';
export const RULE_REMOVED = 'rule removed';

/** Alerts in SQLite: open -> acknowledged -> resolved; at most one active alert per rule and target. */
export class AlertRepository {
  constructor(private readonly db: Db) {}

  get(id: string): Alert {
    const row = this.db.prepare('SELECT * FROM monitoring_alerts WHERE id = ?').get(id) as
      AlertRow | undefined;
    if (!row) throw new SluiceError('NOT_FOUND', `no alert with id ${id}`);
    return fromRow(row);
  }

  active(environmentId: string): Alert[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM monitoring_alerts WHERE environment_id = ? AND state IN ('open', 'acknowledged')
          ORDER BY opened_at DESC`,
      )
      .all(environmentId) as AlertRow[];
    return rows.map(fromRow);
  }

  /** Opens an alert unless one is active for the same rule and target; returns the new one or null. */
  open(environmentId: string, firing: AlertFiring, now: Date): Alert | null {
    const iso = now.toISOString();
    return this.db.transaction((): Alert | null => {
      const existing = this.db
        .prepare(
          `SELECT id FROM monitoring_alerts WHERE environment_id = ? AND rule_id = ? AND target = ?
             AND state IN ('open', 'acknowledged')`,
        )
        .get(environmentId, firing.ruleId, firing.target);
      if (existing) return null;
      const id = randomUUID();
      this.db
        .prepare(
          `INSERT INTO monitoring_alerts (id, environment_id, rule_id, kind, target, state, title,
             detail, value, opened_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          environmentId,
          firing.ruleId,
          firing.kind,
          firing.target,
          firing.title,
          firing.detail,
          firing.value,
          iso,
          iso,
        );
      return this.get(id);
    })();
  }

  /** Resolves the active alert of a rule and target; returns it, or null if none was active. */
  resolveCondition(
    environmentId: string,
    ruleId: string,
    target: string,
    by: string,
    now: Date,
  ): Alert | null {
    const row = this.db
      .prepare(
        `SELECT id FROM monitoring_alerts WHERE environment_id = ? AND rule_id = ? AND target = ?
           AND state IN ('open', 'acknowledged')`,
      )
      .get(environmentId, ruleId, target) as { id: string } | undefined;
    if (!row) return null;
    return this.resolve(row.id, by, now);
  }

  /** Resolves active alerts whose rule no longer exists; returns their ids. */
  resolveRulesNotIn(environmentId: string, ruleIds: readonly string[], now: Date): string[] {
    const keep = new Set(ruleIds);
    const ids = this.active(environmentId)
      .filter((alert) => !keep.has(alert.ruleId))
      .map((alert) => alert.id);
    for (const id of ids) this.resolve(id, RULE_REMOVED, now);
    return ids;
  }

  acknowledge(id: string, by: string, now: Date): Alert {
    const alert = this.get(id);
    if (alert.state === 'resolved') {
      throw new SluiceError('CONFLICT', 'the alert is already resolved', { state: alert.state });
    }
    if (alert.state === 'acknowledged') return alert;
    const iso = now.toISOString();
    this.db
      .prepare(
        `UPDATE monitoring_alerts SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?,
           updated_at = ? WHERE id = ? AND state = 'open'`,
      )
      .run(iso, by, iso, id);
    return this.get(id);
  }

  resolve(id: string, by: string, now: Date): Alert {
    const alert = this.get(id);
    if (alert.state === 'resolved') {
      throw new SluiceError('CONFLICT', 'the alert is already resolved', { state: alert.state });
    }
    const iso = now.toISOString();
    this.db
      .prepare(
        `UPDATE monitoring_alerts SET state = 'resolved', resolved_at = ?, resolved_by = ?, updated_at = ?
          WHERE id = ? AND state IN ('open', 'acknowledged')`,
      )
      .run(iso, by, iso, id);
    return this.get(id);
  }

  list(filter: { environmentId?: string; states: readonly AlertState[]; limit: number }): Alert[] {
    const states = [...new Set(filter.states)];
    const placeholders = states.map(() => '?').join(', ');
    const where = [`state IN (${placeholders})`];
    const params: unknown[] = [...states];
    if (filter.environmentId) {
      where.push('environment_id = ?');
      params.push(filter.environmentId);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM monitoring_alerts WHERE ${where.join(' AND ')} ORDER BY opened_at DESC LIMIT ?`,
      )
      .all(...params, filter.limit) as AlertRow[];
    return rows.map(fromRow);
  }

  counts(environmentId: string): { open: number; acknowledged: number } {
    const rows = this.db
      .prepare(
        `SELECT state, count(*) AS n FROM monitoring_alerts
          WHERE environment_id = ? AND state IN ('open', 'acknowledged') GROUP BY state`,
      )
      .all(environmentId) as { state: AlertState; n: number }[];
    const count = (state: AlertState) => rows.find((r) => r.state === state)?.n ?? 0;
    return { open: count('open'), acknowledged: count('acknowledged') };
  }
}
