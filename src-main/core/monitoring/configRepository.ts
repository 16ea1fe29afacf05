import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  SluiceError,
  storedMonitoringConfigSchema,
  type MonitoringConfig,
  type monitoringConfigSchema,
} from '@shared/contract';
import type { Logger } from '@shared/log/logger';
import type { Db } from '../store/database';

export type ParsedConfigInput = z.output<typeof monitoringConfigSchema>;

/** Gives every rule an id (kept when it had one), so alerts can refer to it across edits. */
export function withRuleIds(config: ParsedConfigInput): MonitoringConfig {
  const seen = new Set<string>();
  const alerts = config.alerts.map((rule) => {
    let id = rule.id;
    if (id === undefined || seen.has(id)) id = randomUUID().replace(/-/g, '').slice(0, 16);
    seen.add(id);
    return { ...rule, id };
  });
  return { ...config, alerts } as MonitoringConfig;
}

/**
 * Rules must name what the configuration watches, or they could never fire.
 * Returns the problems as INVALID_INPUT issues.
 */
export function checkRuleTargets(config: MonitoringConfig): void {
  const queues = new Set(config.redis.queues.map((q) => q.key));
  const deadLetters = new Set(
    config.redis.queues.map((q) => q.deadLetterKey).filter((k): k is string => k !== null),
  );
  const tables = new Set(config.postgres.tables.map((t) => t.table));
  const issues: { path: string[]; message: string }[] = [];
  config.alerts.forEach((rule, index) => {
    const path = ['config', 'alerts', String(index)];
    if (rule.kind === 'queue-depth' && rule.key !== null && !queues.has(rule.key)) {
      issues.push({ path: [...path, 'key'], message: `${rule.key} is not a watched queue` });
    }
    if (rule.kind === 'dlq-growth' && rule.key !== null && !deadLetters.has(rule.key)) {
      issues.push({
        path: [...path, 'key'],
        message: `${rule.key} is not a watched dead-letter list`,
      });
    }
    if (rule.kind === 'gap-age' && rule.table !== null && !tables.has(rule.table)) {
      issues.push({ path: [...path, 'table'], message: `${rule.table} is not a watched table` });
    }
  });
  if (issues.length > 0) {
    throw new SluiceError('INVALID_INPUT', issues.map((i) => i.message).join('; '), { issues });
  }
}

/** Per-environment monitoring configuration, one JSON document per environment. */
export class MonitoringConfigRepository {
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  private parse(environmentId: string, json: string): MonitoringConfig | null {
    try {
      const parsed = storedMonitoringConfigSchema.safeParse(JSON.parse(json));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through: reported below
    }
    this.logger.error('stored monitoring configuration is unreadable; monitoring is off', {
      environmentId,
    });
    return null;
  }

  get(environmentId: string): MonitoringConfig | null {
    const row = this.db
      .prepare('SELECT config_json FROM monitoring_configs WHERE environment_id = ?')
      .get(environmentId) as { config_json: string } | undefined;
    return row ? this.parse(environmentId, row.config_json) : null;
  }

  all(): { environmentId: string; config: MonitoringConfig }[] {
    const rows = this.db
      .prepare('SELECT environment_id, config_json FROM monitoring_configs')
      .all() as { environment_id: string; config_json: string }[];
    return rows.flatMap((row) => {
      const config = this.parse(row.environment_id, row.config_json);
      return config ? [{ environmentId: row.environment_id, config }] : [];
    });
  }

  save(environmentId: string, config: MonitoringConfig): void {
    this.db
      .prepare(
        `INSERT INTO monitoring_configs (environment_id, config_json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (environment_id) DO UPDATE SET config_json = excluded.config_json,
           updated_at = excluded.updated_at`,
      )
      .run(environmentId, JSON.stringify(config), new Date().toISOString());
  }

  remove(environmentId: string): void {
    this.db.prepare('DELETE FROM monitoring_configs WHERE environment_id = ?').run(environmentId);
  }
}
