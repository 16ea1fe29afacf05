import { z } from 'zod';
import { connectionFailureCauseSchema, serviceKindSchema } from './environments';
import { ALERT_KINDS, partitionStatusSchema } from './monitoringConfig';

// ---------------------------------------------------------------------------
// Live state
// ---------------------------------------------------------------------------

/** The health of one polled server (Redis, Kafka or PostgreSQL) of an environment. */
export const serverHealthSchema = z.object({
  server: serviceKindSchema,
  /** not-configured: no connection or nothing to watch; disabled: switched off. */
  state: z.enum(['starting', 'up', 'down', 'not-configured', 'disabled']),
  /** When the current state began (ISO). */
  since: z.string().nullable(),
  cause: connectionFailureCauseSchema.nullable(),
  /** Operator words for a down server: "connection refused by 127.0.0.1:6390". */
  message: z.string().nullable(),
  lastSampleAt: z.string().nullable(),
  lastDurationMs: z.number().nullable(),
  intervalMs: z.number(),
  /** Ticks skipped because the previous poll was still running. */
  skippedTicks: z.number().int(),
  consecutiveFailures: z.number().int(),
  /** When a down server is tried next (ISO). */
  nextAttemptAt: z.string().nullable(),
});
export type ServerHealth = z.infer<typeof serverHealthSchema>;

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
  servers: z.array(serverHealthSchema),
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
  servers: z.array(serverHealthSchema),
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
