import { z } from 'zod';
import { mutation, query } from '../define';
import { connectionFailureCauseSchema, serviceKindSchema } from './environments';

const environmentIdSchema = z.string().uuid();

// ---------------------------------------------------------------------------
// Names that end up in SQL, Redis commands or Kafka requests. SQL identifiers
// are restricted to plain names so quoting them can never change the query.
// ---------------------------------------------------------------------------

/** A PostgreSQL column: a plain identifier (letters, digits, underscore). */
export const sqlIdentifierSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a column is letters, digits and _ (max 63)');

/** A PostgreSQL table, optionally schema-qualified: name or schema.name. */
export const sqlTableNameSchema = z
  .string()
  .trim()
  .regex(
    /^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/,
    'a table is name or schema.name (letters, digits, _)',
  );

/**
 * An extra condition ANDed to the gap query. It runs on a read-only connection
 * with a statement timeout; one statement only, no comments.
 */
export const sqlFilterSchema = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .refine((value) => !/;|--|\/\*|\*\//.test(value), 'a filter is one condition: no ; or comments')
  .refine((value) => balancedParentheses(value), 'parentheses must balance');

function balancedParentheses(text: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = null;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth += 1;
    else if (char === ')') {
      depth -= 1;
      if (depth < 0) return false;
    }
  }
  return depth === 0 && quote === null;
}

function hasControlCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A Redis key: any printable text. */
const redisKeySchema = z
  .string()
  .min(1)
  .max(512)
  .refine((value) => !hasControlCharacter(value), 'no control characters');

const kafkaTopicSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a topic is letters, digits, . _ - (max 249)');

export const kafkaGroupIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((value) => !hasControlCharacter(value), 'no control characters');

export const partitionStatusSchema = z.enum(['OK', 'WARN', 'REWIND', 'STALL', 'STOP']);
export type PartitionStatusName = z.infer<typeof partitionStatusSchema>;

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

const intervalSchema = z.number().int().min(1000).max(600_000);

export const queueConfigSchema = z
  .object({
    key: redisKeySchema,
    /** The list its failures go to. */
    deadLetterKey: redisKeySchema.nullable().default(null),
    /**
     * Counters the pipeline keeps in a hash (e.g. queued): with them the in
     * rate is exact and the out rate is in minus the depth change (or the out
     * counter when given); without, both come from depth changes alone.
     */
    counters: z
      .object({
        hash: redisKeySchema,
        inField: z.string().min(1).max(200),
        outField: z.string().min(1).max(200).nullable().default(null),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

export const streamConfigSchema = z
  .object({
    key: redisKeySchema,
    /** Consumer groups to read pending counts for; empty: every group of the stream. */
    groups: z.array(z.string().min(1).max(255)).max(20).default([]),
  })
  .strict();

export const gapTableConfigSchema = z
  .object({
    table: sqlTableNameSchema,
    updatedAtColumn: sqlIdentifierSchema,
    syncedAtColumn: sqlIdentifierSchema,
    filter: sqlFilterSchema.nullable().default(null),
  })
  .strict();

export const consumerGroupConfigSchema = z
  .object({
    groupId: kafkaGroupIdSchema,
    /** Topics this group consumes; empty: the watched topics. */
    topics: z.array(kafkaTopicSchema).max(200).default([]),
  })
  .strict();

/** The rule kinds; the id schema differs between input (optional) and stored (required). */
function alertRuleUnion<Id extends z.ZodType<string | undefined>>(id: Id) {
  return z.discriminatedUnion('kind', [
    z
      .object({
        id,
        enabled: z.boolean().default(true),
        kind: z.literal('queue-depth'),
        /** A configured queue key; null: any configured queue. */
        key: redisKeySchema.nullable().default(null),
        above: z.number().int().min(0),
        forSeconds: z.number().int().min(0).max(86_400).default(60),
      })
      .strict(),
    z
      .object({
        id,
        enabled: z.boolean().default(true),
        kind: z.literal('group-status'),
        groupId: kafkaGroupIdSchema.nullable().default(null),
        atLeast: partitionStatusSchema.exclude(['OK']).default('WARN'),
        forSeconds: z.number().int().min(0).max(86_400).default(0),
      })
      .strict(),
    z
      .object({
        id,
        enabled: z.boolean().default(true),
        kind: z.literal('gap-age'),
        table: sqlTableNameSchema.nullable().default(null),
        aboveSeconds: z.number().int().min(0),
        forSeconds: z.number().int().min(0).max(86_400).default(0),
      })
      .strict(),
    z
      .object({
        id,
        enabled: z.boolean().default(true),
        kind: z.literal('dlq-growth'),
        /** A configured dead-letter list key; null: any. */
        key: redisKeySchema.nullable().default(null),
        /** Fires when the list grew by at least this many entries within the span. */
        growthAtLeast: z.number().int().min(1).default(1),
        withinSeconds: z.number().int().min(5).max(86_400).default(300),
      })
      .strict(),
    z
      .object({
        id,
        enabled: z.boolean().default(true),
        kind: z.literal('source-down'),
        source: serviceKindSchema.nullable().default(null),
        forSeconds: z.number().int().min(0).max(86_400).default(30),
      })
      .strict(),
  ]);
}

const ruleIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a rule id is letters, digits, _ and -');
/** A rule as sent: the id is assigned on save when absent. */
export const alertRuleInputSchema = alertRuleUnion(ruleIdSchema.optional());
/** A rule as stored and returned. */
export const alertRuleSchema = alertRuleUnion(ruleIdSchema);
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;
export type AlertRule = z.output<typeof alertRuleSchema>;
export const ALERT_KINDS = [
  'queue-depth',
  'group-status',
  'gap-age',
  'dlq-growth',
  'source-down',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const monitoringConfigSchema = z
  .object({
    /** Default poll interval of each source. */
    pollIntervalMs: intervalSchema.default(5000),
    /** Bound on each source's poll; a slower poll counts as a timeout. */
    timeoutMs: z.number().int().min(200).max(60_000).default(4000),
    /** Samples in the Burrow window. */
    windowSize: z.number().int().min(3).max(100).default(10),
    /** Lag at or below this is OK. */
    allowedLag: z.number().int().min(0).default(0),
    redis: z
      .object({
        enabled: z.boolean().default(true),
        intervalMs: intervalSchema.nullable().default(null),
        queues: z.array(queueConfigSchema).max(50).default([]),
        streams: z.array(streamConfigSchema).max(20).default([]),
      })
      .strict()
      .default({ enabled: true, intervalMs: null, queues: [], streams: [] }),
    kafka: z
      .object({
        enabled: z.boolean().default(true),
        intervalMs: intervalSchema.nullable().default(null),
        /** Topics to watch; groups found on the broker are checked against these. */
        topics: z.array(kafkaTopicSchema).max(500).default([]),
        groups: z.array(consumerGroupConfigSchema).max(2000).default([]),
        /** List groups on the broker where it supports it. */
        discoverGroups: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true, intervalMs: null, topics: [], groups: [], discoverGroups: true }),
    postgres: z
      .object({
        enabled: z.boolean().default(true),
        intervalMs: intervalSchema.nullable().default(null),
        tables: z.array(gapTableConfigSchema).max(20).default([]),
      })
      .strict()
      .default({ enabled: true, intervalMs: null, tables: [] }),
    alerts: z.array(alertRuleInputSchema).max(100).default([]),
  })
  .strict();
export type MonitoringConfigInput = z.input<typeof monitoringConfigSchema>;

/** What is stored and returned: every rule has its id. */
export const storedMonitoringConfigSchema = monitoringConfigSchema.extend({
  alerts: z.array(alertRuleSchema).max(100),
});
export type MonitoringConfig = z.output<typeof storedMonitoringConfigSchema>;

// ---------------------------------------------------------------------------
// Live state
// ---------------------------------------------------------------------------

export const sourceHealthSchema = z.object({
  source: serviceKindSchema,
  /** not-configured: no connection or nothing to watch; disabled: switched off. */
  state: z.enum(['starting', 'up', 'down', 'not-configured', 'disabled']),
  /** When the current state began (ISO). */
  since: z.string().nullable(),
  cause: connectionFailureCauseSchema.nullable(),
  /** Operator words for a down source: "connection refused by 127.0.0.1:6390". */
  message: z.string().nullable(),
  lastSampleAt: z.string().nullable(),
  lastDurationMs: z.number().nullable(),
  intervalMs: z.number(),
  /** Ticks skipped because the previous poll was still running. */
  skippedTicks: z.number().int(),
  consecutiveFailures: z.number().int(),
  /** When a down source is tried next (ISO). */
  nextAttemptAt: z.string().nullable(),
});
export type SourceHealth = z.infer<typeof sourceHealthSchema>;

export const rateBasisSchema = z.enum(['counters', 'depth-change']);

export const queueRowSchema = z.object({
  key: z.string(),
  role: z.enum(['queue', 'dead-letter']),
  /** The queue a dead-letter list belongs to. */
  queueKey: z.string().nullable(),
  depth: z.number().nullable(),
  /** Entries per second in and out; with depth-change they are lower bounds. */
  inRate: z.number().nullable(),
  outRate: z.number().nullable(),
  rateBasis: rateBasisSchema.nullable(),
  /** Depth change per second over the window. */
  trend: z.number().nullable(),
  error: z.string().nullable(),
});
export type QueueRow = z.infer<typeof queueRowSchema>;

export const streamRowSchema = z.object({
  key: z.string(),
  length: z.number().nullable(),
  groups: z.array(z.object({ group: z.string(), pending: z.number() })),
  error: z.string().nullable(),
});
export type StreamRow = z.infer<typeof streamRowSchema>;

export const groupOriginSchema = z.enum(['broker', 'configuration']);

export const lagTopicRowSchema = z.object({
  topic: z.string(),
  partitions: z.number().int(),
  /** Partitions without a committed offset (not counted in lag). */
  uncommittedPartitions: z.number().int(),
  totalLag: z.number(),
  maxLagPartition: z.object({ partition: z.number().int(), lag: z.number() }).nullable(),
  status: partitionStatusSchema,
  timeLagSeconds: z.number().nullable(),
  timeLagBasis: z.enum(['exact', 'interpolated', 'lower-bound']).nullable(),
  consumeRate: z.number(),
  produceRate: z.number(),
  /** null: not draining at the current rates. */
  secondsToDrain: z.number().nullable(),
});
export type LagTopicRow = z.infer<typeof lagTopicRowSchema>;

export const lagGroupRowSchema = z.object({
  groupId: z.string(),
  origin: groupOriginSchema,
  status: partitionStatusSchema,
  totalLag: z.number(),
  timeLagSeconds: z.number().nullable(),
  secondsToDrain: z.number().nullable(),
  topics: z.array(lagTopicRowSchema),
  error: z.string().nullable(),
});
export type LagGroupRow = z.infer<typeof lagGroupRowSchema>;

export const kafkaSnapshotSchema = z.object({
  /** Where the group list came from: the broker's ListGroups, or the configuration. */
  groupsSource: groupOriginSchema,
  /** Why groups come from configuration (e.g. the broker does not support ListGroups). */
  groupsSourceNote: z.string().nullable(),
  brokers: z.number().int(),
  groups: z.array(lagGroupRowSchema),
  missingTopics: z.array(z.string()),
});
export type KafkaSnapshot = z.infer<typeof kafkaSnapshotSchema>;

export const queryPlanSchema = z.object({
  totalCost: z.number(),
  /** Node types top-down, e.g. ["Aggregate", "Seq Scan"]. */
  nodeTypes: z.array(z.string()),
  seqScan: z.boolean(),
  /** A partial index on the gap condition that already exists (the planner may still scan a small table). */
  existingIndex: z.string().nullable(),
  suggestedIndex: z.string().nullable(),
  checkedAt: z.string(),
});
export type QueryPlan = z.infer<typeof queryPlanSchema>;

export const gapRowSchema = z.object({
  table: z.string(),
  count: z.number().nullable(),
  oldestAgeSeconds: z.number().nullable(),
  /** Rows per second the gap grew over the window (negative: shrinking). */
  growthPerSecond: z.number().nullable(),
  queryMs: z.number().nullable(),
  plan: queryPlanSchema.nullable(),
  error: z.string().nullable(),
});
export type GapRow = z.infer<typeof gapRowSchema>;

export const monitoringSnapshotSchema = z.object({
  environmentId: z.string(),
  configured: z.boolean(),
  sources: z.array(sourceHealthSchema),
  queues: z.array(queueRowSchema),
  streams: z.array(streamRowSchema),
  kafka: kafkaSnapshotSchema.nullable(),
  gaps: z.array(gapRowSchema),
  alerts: z.object({ open: z.number().int(), acknowledged: z.number().int() }),
});
export type MonitoringSnapshot = z.infer<typeof monitoringSnapshotSchema>;

export const overviewRowSchema = z.object({
  environmentId: z.string(),
  name: z.string(),
  colour: z.string(),
  configured: z.boolean(),
  /** Sum over the configured queues. */
  queueDepth: z.number().nullable(),
  queueTrend: z.number().nullable(),
  worstGroupStatus: partitionStatusSchema.nullable(),
  totalLag: z.number().nullable(),
  gapCount: z.number().nullable(),
  gapOldestAgeSeconds: z.number().nullable(),
  deadLetterCount: z.number().nullable(),
  openAlerts: z.number().int(),
  sources: z.array(sourceHealthSchema),
});
export type OverviewRow = z.infer<typeof overviewRowSchema>;

export const partitionRowSchema = z.object({
  groupId: z.string(),
  topic: z.string(),
  partition: z.number().int(),
  committedOffset: z.number().nullable(),
  logEndOffset: z.number(),
  lag: z.number().nullable(),
  status: partitionStatusSchema,
  /** Which Burrow rule decided. */
  rule: z.string(),
  timeLagSeconds: z.number().nullable(),
  secondsToDrain: z.number().nullable(),
});
export type PartitionRow = z.infer<typeof partitionRowSchema>;

// ---------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------

export const HISTORY_METRICS = [
  'queue.depth',
  'queue.inRate',
  'queue.outRate',
  'dlq.depth',
  'stream.length',
  'stream.pending',
  'kafka.lag',
  'kafka.timeLag',
  'gap.count',
  'gap.oldestAge',
] as const;
export const historyMetricSchema = z.enum(HISTORY_METRICS);
export type HistoryMetric = z.infer<typeof historyMetricSchema>;

export const HISTORY_WINDOWS = ['15m', '1h', '6h', '24h', '7d'] as const;
export const historyWindowSchema = z.enum(HISTORY_WINDOWS);
export type HistoryWindow = z.infer<typeof historyWindowSchema>;

export const historySeriesSchema = z.object({
  metric: historyMetricSchema,
  /** queue/DLQ/stream key; "group/topic" for kafka; table for gaps; "stream/group" for pending. */
  key: z.string().max(1024),
});

export const historyResultSchema = z.object({
  window: historyWindowSchema,
  from: z.number(),
  to: z.number(),
  bucketMs: z.number(),
  resolution: z.enum(['raw', 'minute']),
  series: z.array(
    historySeriesSchema.extend({
      /** [bucket start ms, average, maximum] */
      points: z.array(z.tuple([z.number(), z.number(), z.number()])),
    }),
  ),
});
export type HistoryResult = z.infer<typeof historyResultSchema>;

// ---------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------

export const alertStateSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof alertStateSchema>;

export const alertSchema = z.object({
  id: z.string(),
  environmentId: z.string(),
  ruleId: z.string(),
  kind: z.enum(ALERT_KINDS),
  /** The queue, group, table or source it is about. */
  target: z.string(),
  state: alertStateSchema,
  title: z.string(),
  detail: z.string(),
  value: z.number().nullable(),
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  /** An operator, or "condition cleared". */
  resolvedBy: z.string().nullable(),
});
export type Alert = z.infer<typeof alertSchema>;

// ---------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------

const byEnvironment = z.object({ environmentId: environmentIdSchema }).strict();

export const monitoringChannels = {
  'monitoring.config.get': query(
    'The monitoring configuration of one environment (null: not monitored)',
    byEnvironment,
    storedMonitoringConfigSchema.nullable(),
  ),
  'monitoring.config.save': mutation(
    'Save (or with null remove) the monitoring configuration of one environment; its monitors restart',
    z
      .object({ environmentId: environmentIdSchema, config: monitoringConfigSchema.nullable() })
      .strict(),
    storedMonitoringConfigSchema.nullable(),
  ),
  'monitoring.overview': query(
    'One row per environment: depth and trend, worst group status, sync gap, dead letters, alerts, source health',
    z.object({}).strict(),
    z.array(overviewRowSchema),
  ),
  'monitoring.snapshot': query(
    'Everything the monitors of one environment know now',
    byEnvironment,
    monitoringSnapshotSchema,
  ),
  'monitoring.partitions': query(
    'Per-partition lag of one environment, optionally one group',
    z
      .object({ environmentId: environmentIdSchema, groupId: kafkaGroupIdSchema.optional() })
      .strict(),
    z.array(partitionRowSchema),
  ),
  'monitoring.history': query(
    'Stored samples of some series over a window, bucketed for charts',
    z
      .object({
        environmentId: environmentIdSchema,
        window: historyWindowSchema,
        series: z.array(historySeriesSchema).min(1).max(20),
      })
      .strict(),
    historyResultSchema,
  ),
  'monitoring.alerts.list': query(
    'Alerts, newest first; by default the open and acknowledged ones',
    z
      .object({
        environmentId: environmentIdSchema.optional(),
        states: z.array(alertStateSchema).min(1).default(['open', 'acknowledged']),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    z.array(alertSchema),
  ),
  'monitoring.alerts.acknowledge': mutation(
    'Acknowledge an open alert: someone is on it',
    z.object({ id: z.string().min(1).max(64) }).strict(),
    alertSchema,
  ),
  'monitoring.alerts.resolve': mutation(
    'Resolve an alert; it fires again only after its condition clears and returns',
    z.object({ id: z.string().min(1).max(64) }).strict(),
    alertSchema,
  ),
} as const;
