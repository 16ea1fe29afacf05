import {
  monitoringConfigSchema,
  type AlertRuleInput,
  type KafkaCatalog,
  type MonitoringConfig,
  type MonitoringConfigInput,
} from '@shared/contract';
import { missingGroup, missingTopics } from '../../components/kafkaPicker/catalogModel';

/**
 * The monitoring configuration as the form edits it: text fields as strings
 * (so half-typed numbers survive), lists as rows. fromForm turns it back into
 * the channel's input and checks it with the contract's own schema.
 */
export interface QueueRow {
  key: string;
  deadLetterKey: string;
  countersHash: string;
  inField: string;
  outField: string;
}

export interface StreamRow {
  key: string;
  groups: string;
}

export interface GroupRow {
  groupId: string;
  topics: string;
}

export interface TableRow {
  table: string;
  updatedAtColumn: string;
  syncedAtColumn: string;
  filter: string;
}

export type RuleRow = {
  id: string;
  enabled: boolean;
  kind: AlertRuleInput['kind'];
  /** queue key, DLQ key, group id, table or source, by kind; '' = any. */
  target: string;
  /** above (depth), aboveSeconds (gap), growthAtLeast (dlq); unused otherwise. */
  threshold: string;
  /** forSeconds, or withinSeconds for dlq-growth. */
  seconds: string;
  atLeast: 'WARN' | 'REWIND' | 'STALL' | 'STOP';
};

export interface ConfigForm {
  pollSeconds: string;
  timeoutSeconds: string;
  windowSize: string;
  allowedLag: string;
  redisEnabled: boolean;
  redisSeconds: string;
  queues: QueueRow[];
  streams: StreamRow[];
  kafkaEnabled: boolean;
  kafkaSeconds: string;
  topics: string;
  discoverGroups: boolean;
  groups: GroupRow[];
  postgresEnabled: boolean;
  postgresSeconds: string;
  tables: TableRow[];
  rules: RuleRow[];
}

const list = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');

const seconds = (ms: number | null): string => (ms === null ? '' : String(ms / 1000));

export function emptyRule(kind: RuleRow['kind']): RuleRow {
  const defaults: Record<RuleRow['kind'], Pick<RuleRow, 'threshold' | 'seconds'>> = {
    'queue-depth': { threshold: '1000', seconds: '60' },
    'group-status': { threshold: '', seconds: '0' },
    'gap-age': { threshold: '300', seconds: '0' },
    'dlq-growth': { threshold: '1', seconds: '300' },
    'source-down': { threshold: '', seconds: '30' },
  };
  return { id: '', enabled: true, kind, target: '', atLeast: 'WARN', ...defaults[kind] };
}

function ruleToRow(rule: MonitoringConfig['alerts'][number]): RuleRow {
  const base = { id: rule.id, enabled: rule.enabled, kind: rule.kind, atLeast: 'WARN' as const };
  switch (rule.kind) {
    case 'queue-depth':
      return {
        ...base,
        target: rule.key ?? '',
        threshold: String(rule.above),
        seconds: String(rule.forSeconds),
      };
    case 'group-status':
      return {
        ...base,
        target: rule.groupId ?? '',
        threshold: '',
        seconds: String(rule.forSeconds),
        atLeast: rule.atLeast,
      };
    case 'gap-age':
      return {
        ...base,
        target: rule.table ?? '',
        threshold: String(rule.aboveSeconds),
        seconds: String(rule.forSeconds),
      };
    case 'dlq-growth':
      return {
        ...base,
        target: rule.key ?? '',
        threshold: String(rule.growthAtLeast),
        seconds: String(rule.withinSeconds),
      };
    case 'source-down':
      return {
        ...base,
        target: rule.source ?? '',
        threshold: '',
        seconds: String(rule.forSeconds),
      };
  }
}

export function toForm(config: MonitoringConfig | null): ConfigForm {
  const c = config ?? monitoringConfigSchema.parse({});
  return {
    pollSeconds: seconds(c.pollIntervalMs),
    timeoutSeconds: seconds(c.timeoutMs),
    windowSize: String(c.windowSize),
    allowedLag: String(c.allowedLag),
    redisEnabled: c.redis.enabled,
    redisSeconds: seconds(c.redis.intervalMs),
    queues: c.redis.queues.map((q) => ({
      key: q.key,
      deadLetterKey: q.deadLetterKey ?? '',
      countersHash: q.counters?.hash ?? '',
      inField: q.counters?.inField ?? '',
      outField: q.counters?.outField ?? '',
    })),
    streams: c.redis.streams.map((s) => ({ key: s.key, groups: s.groups.join(', ') })),
    kafkaEnabled: c.kafka.enabled,
    kafkaSeconds: seconds(c.kafka.intervalMs),
    topics: c.kafka.topics.join(', '),
    discoverGroups: c.kafka.discoverGroups,
    groups: c.kafka.groups.map((g) => ({ groupId: g.groupId, topics: g.topics.join(', ') })),
    postgresEnabled: c.postgres.enabled,
    postgresSeconds: seconds(c.postgres.intervalMs),
    tables: c.postgres.tables.map((t) => ({
      table: t.table,
      updatedAtColumn: t.updatedAtColumn,
      syncedAtColumn: t.syncedAtColumn,
      filter: t.filter ?? '',
    })),
    rules: (config?.alerts ?? []).map(ruleToRow),
  };
}

/** A number field: the text as a number, or the text itself so the schema reports it. */
function num(text: string, scale = 1): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const value = Number(trimmed);
  return Number.isFinite(value) ? Math.round(value * scale) : trimmed;
}

function optionalMs(text: string): number | string | null {
  return text.trim() === '' ? null : num(text, 1000);
}

function ruleFromRow(row: RuleRow): unknown {
  const base = { ...(row.id ? { id: row.id } : {}), enabled: row.enabled, kind: row.kind };
  const target = row.target.trim() === '' ? null : row.target.trim();
  switch (row.kind) {
    case 'queue-depth':
      return { ...base, key: target, above: num(row.threshold), forSeconds: num(row.seconds) };
    case 'group-status':
      return { ...base, groupId: target, atLeast: row.atLeast, forSeconds: num(row.seconds) };
    case 'gap-age':
      return {
        ...base,
        table: target,
        aboveSeconds: num(row.threshold),
        forSeconds: num(row.seconds),
      };
    case 'dlq-growth':
      return {
        ...base,
        key: target,
        growthAtLeast: num(row.threshold),
        withinSeconds: num(row.seconds),
      };
    case 'source-down':
      return { ...base, source: target, forSeconds: num(row.seconds) };
  }
}

export interface FormProblem {
  path: string;
  message: string;
}

/** The channel input, or the problems the contract's schema finds, with readable paths. */
export function fromForm(
  form: ConfigForm,
): { config: MonitoringConfigInput } | { problems: FormProblem[] } {
  const candidate = {
    pollIntervalMs: num(form.pollSeconds, 1000),
    timeoutMs: num(form.timeoutSeconds, 1000),
    windowSize: num(form.windowSize),
    allowedLag: num(form.allowedLag),
    redis: {
      enabled: form.redisEnabled,
      intervalMs: optionalMs(form.redisSeconds),
      queues: form.queues.map((q) => ({
        key: q.key.trim(),
        deadLetterKey: q.deadLetterKey.trim() === '' ? null : q.deadLetterKey.trim(),
        counters:
          q.countersHash.trim() === ''
            ? null
            : {
                hash: q.countersHash.trim(),
                inField: q.inField.trim(),
                outField: q.outField.trim() === '' ? null : q.outField.trim(),
              },
      })),
      streams: form.streams.map((s) => ({ key: s.key.trim(), groups: list(s.groups) })),
    },
    kafka: {
      enabled: form.kafkaEnabled,
      intervalMs: optionalMs(form.kafkaSeconds),
      topics: list(form.topics),
      discoverGroups: form.discoverGroups,
      groups: form.groups.map((g) => ({ groupId: g.groupId.trim(), topics: list(g.topics) })),
    },
    postgres: {
      enabled: form.postgresEnabled,
      intervalMs: optionalMs(form.postgresSeconds),
      tables: form.tables.map((t) => ({
        table: t.table.trim(),
        updatedAtColumn: t.updatedAtColumn.trim(),
        syncedAtColumn: t.syncedAtColumn.trim(),
        filter: t.filter.trim() === '' ? null : t.filter.trim(),
      })),
    },
    alerts: form.rules.map(ruleFromRow),
  };
  const parsed = monitoringConfigSchema.safeParse(candidate);
  if (parsed.success) return { config: candidate as MonitoringConfigInput };
  return {
    problems: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}

export interface KafkaNameWarnings {
  /** Watched topics the cluster lacks. */
  topics: string | null;
  /** Per group row: the group unknown to the cluster, its topics the cluster lacks. */
  groups: { groupId: string | null; topics: string | null }[];
}

/**
 * Names of the Kafka section checked against the cluster's catalog. All are
 * warnings: a monitor may be set up before its topic or group exists (the
 * monitor reports a missing topic itself, and a group appears once it commits).
 */
export function kafkaNameWarnings(
  form: ConfigForm,
  catalog: KafkaCatalog | undefined,
): KafkaNameWarnings {
  return {
    topics: missingTopics(catalog, form.topics),
    groups: form.groups.map((group) => ({
      groupId: missingGroup(catalog, group.groupId),
      topics: missingTopics(catalog, group.topics),
    })),
  };
}
