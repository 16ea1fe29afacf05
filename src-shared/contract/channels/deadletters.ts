import { z } from 'zod';
import { mutation, query } from '../define';
import { bulkOnSource, onEntry, onJob } from './deadletterRules';
import {
  deadLetterSourceInputSchema,
  deadLetterSourceStatsSchema,
  deadLetterSourceViewSchema,
  replayTargetSchema,
} from './deadletterSources';

export * from './deadletterSources';

/**
 * The dead-letter workbench: sources (a Redis list, a Kafka topic or a
 * PostgreSQL table per environment), browse and search, edit, replay jobs and
 * discard. Payload bytes cross as UTF-8 text when they are valid UTF-8 and as
 * base64 otherwise, so nothing is ever lost in transit.
 */

const uuid = z.string().uuid();

const isoTime = z.string().datetime({ offset: true });

export const browseFilterSchema = z.object({
  errorClasses: z.array(z.string().max(500)).max(50).default([]),
  /** Case-insensitive substring of the failure reason. */
  reason: z.string().max(500).default(''),
  /** On the last failure time. */
  from: isoTime.nullable().default(null),
  to: isoTime.nullable().default(null),
  /** The entry's id or record key, exact. */
  key: z.string().max(500).default(''),
  /** Words to find in payloads (all must occur). */
  text: z.string().max(500).default(''),
  /** Kafka records resolved by Sluice are hidden unless this is set. */
  showResolved: z.boolean().default(false),
});
export type BrowseFilter = z.output<typeof browseFilterSchema>;
export type BrowseFilterInput = z.input<typeof browseFilterSchema>;

export const deadLetterRowSchema = z.object({
  /** Sluice's key for the entry within its source. */
  key: z.string(),
  /** The id or record key the entry carries itself. */
  externalId: z.string().nullable(),
  errorClass: z.string().nullable(),
  reason: z.string().nullable(),
  firstFailedAt: z.string().nullable(),
  lastFailedAt: z.string().nullable(),
  attempts: z.number().int().nullable(),
  /** Where the entry came from (queue, topic/partition@offset, origin column). */
  origin: z.string().nullable(),
  size: z.number().int().nonnegative(),
  resolved: z
    .object({
      kind: z.enum(['replayed', 'discarded']),
      at: z.string().nullable(),
      reason: z.string().nullable(),
    })
    .nullable(),
  edited: z.boolean(),
});
export type DeadLetterRow = z.infer<typeof deadLetterRowSchema>;

export const indexStateSchema = z.object({
  state: z.enum(['fresh', 'syncing', 'stale', 'down', 'live']),
  syncedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type IndexState = z.infer<typeof indexStateSchema>;

export const browseResultSchema = z.object({
  rows: z.array(deadLetterRowSchema),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  index: indexStateSchema,
});
export type BrowseResult = z.infer<typeof browseResultSchema>;

export const reasonGroupSchema = z.object({
  errorClass: z.string().nullable(),
  count: z.number().int().nonnegative(),
  /** One reason seen in the group, for the label. */
  sampleReason: z.string().nullable(),
});
export type ReasonGroup = z.infer<typeof reasonGroupSchema>;

/** Bytes for the UI: text when they are UTF-8, base64 when they are not. */
export const payloadViewSchema = z.object({
  size: z.number().int().nonnegative(),
  utf8: z.boolean(),
  text: z.string().nullable(),
  base64: z.string().nullable(),
  /** True when the text parses as JSON. */
  json: z.boolean(),
});
export type PayloadView = z.infer<typeof payloadViewSchema>;

export const headerViewSchema = z.object({
  name: z.string(),
  text: z.string().nullable(),
  base64: z.string().nullable(),
});
export type HeaderView = z.infer<typeof headerViewSchema>;

export const deadLetterDetailSchema = z.object({
  row: deadLetterRowSchema,
  /** What replay sends (the edit when there is one). */
  payload: payloadViewSchema,
  /** The payload as it sits in the dead-letter store, when an edit replaces it. */
  original: payloadViewSchema.nullable(),
  headers: z.array(headerViewSchema),
  /** Everything else known about the entry, as name/value text. */
  metadata: z.array(z.object({ name: z.string(), value: z.string() })),
  edit: z.object({ editedAt: z.string(), operator: z.string() }).nullable(),
  kafka: z
    .object({
      partition: z.number().int(),
      offset: z.string(),
      timestamp: z.string().nullable(),
      key: payloadViewSchema.nullable(),
    })
    .nullable(),
});
export type DeadLetterDetail = z.infer<typeof deadLetterDetailSchema>;

export const jsonProblemSchema = z.object({
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  message: z.string(),
});
export const schemaProblemSchema = z.object({ path: z.string(), message: z.string() });

export const editValidationSchema = z.object({
  ok: z.boolean(),
  syntax: jsonProblemSchema.nullable(),
  schema: z.array(schemaProblemSchema),
});
export type EditValidation = z.infer<typeof editValidationSchema>;

export const selectionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('keys'),
    keys: z.array(z.string().min(1).max(200)).min(1).max(100_000),
  }),
  z.object({ kind: z.literal('filter'), filter: browseFilterSchema }),
]);
export type Selection = z.output<typeof selectionSchema>;
export type SelectionInput = z.input<typeof selectionSchema>;

const headerNameSchema = z.string().min(1).max(256);

export const headerPolicySchema = z.object({
  /** keep every header; strip-errors drops __connect.errors.* and kafka_dlt-*; strip-all drops all. */
  mode: z.enum(['keep', 'strip-errors', 'strip-all']).default('strip-errors'),
  /** More header names to drop; a name ending in * drops every header with that prefix. */
  strip: z.array(headerNameSchema).max(100).default([]),
  add: z
    .array(z.object({ name: headerNameSchema, value: z.string().max(64 * 1024) }))
    .max(100)
    .default([]),
});
export type HeaderPolicy = z.output<typeof headerPolicySchema>;

export const replayRequestSchema = z.object({
  sourceId: uuid,
  selection: selectionSchema,
  target: replayTargetSchema.default({ kind: 'original' }),
  headers: headerPolicySchema.default({ mode: 'strip-errors', strip: [], add: [] }),
  /** Entries per second; null for as fast as the servers take them. */
  ratePerSecond: z.number().int().min(1).max(1_000_000).nullable().default(null),
  /** The environment's name, typed by the operator, for production bulk actions. */
  confirmEnvironmentName: z.string().max(200).nullable().default(null),
});
export type ReplayRequest = z.output<typeof replayRequestSchema>;
export type ReplayRequestInput = z.input<typeof replayRequestSchema>;

export const confirmationSchema = z.object({
  required: z.boolean(),
  environmentName: z.string(),
  threshold: z.number().int(),
});

export const dryRunSchema = z.object({
  count: z.number().int().nonnegative(),
  targets: z.array(z.object({ target: z.string(), count: z.number().int().nonnegative() })),
  /** Entries that have no target (no original known and none chosen). */
  withoutTarget: z.number().int().nonnegative(),
  sample: z.array(
    z.object({
      key: z.string(),
      target: z.string().nullable(),
      payload: payloadViewSchema,
      headers: z.array(headerViewSchema),
    }),
  ),
  /** How delivery works for this source and target, for the dialog's help text. */
  delivery: z.string(),
  warnings: z.array(z.string()),
  confirmation: confirmationSchema,
});
export type DryRun = z.infer<typeof dryRunSchema>;

export const JOB_STATUSES = [
  'RUNNING',
  'PAUSED',
  'COMPLETED',
  'CANCELLING',
  'CANCELLED',
  'FAILED',
] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const replayJobSchema = z.object({
  id: uuid,
  environmentId: uuid,
  sourceId: uuid,
  sourceName: z.string(),
  status: jobStatusSchema,
  /** PAUSED: "operator" or what is unreachable, e.g. "Redis unavailable: connection refused". */
  cause: z.string().nullable(),
  /** FAILED: why. */
  failureReason: z.string().nullable(),
  total: z.number().int().nonnegative(),
  /** Delivered and removed from the dead-letter store (Kafka: sent and marked resolved). */
  moved: z.number().int().nonnegative(),
  /** Gone from the dead-letter store before their turn: nothing was sent for them. */
  skipped: z.number().int().nonnegative(),
  /** Refused by the target; they stay dead. */
  failed: z.number().int().nonnegative(),
  ratePerSecond: z.number().int().nullable(),
  /** Entries per second over the last few seconds of running. */
  throughput: z.number().nonnegative(),
  targets: z.array(z.string()),
  delivery: z.string(),
  notes: z.array(z.string()),
  operator: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ReplayJob = z.infer<typeof replayJobSchema>;

export const discardRequestSchema = z.object({
  sourceId: uuid,
  selection: selectionSchema,
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
  confirmEnvironmentName: z.string().max(200).nullable().default(null),
});
export type DiscardRequest = z.output<typeof discardRequestSchema>;

const sourceRef = z.object({ sourceId: uuid }).strict();

export const deadLetterChannels = {
  'deadletters.sources.list': query(
    'Dead-letter sources configured for an environment',
    z.object({ environmentId: uuid }).strict(),
    z.array(deadLetterSourceViewSchema),
  ),
  'deadletters.sources.stats': query(
    'Count and growth of every dead-letter source of an environment',
    z.object({ environmentId: uuid }).strict(),
    z.array(deadLetterSourceStatsSchema),
  ),
  'deadletters.sources.save': mutation(
    'Create or update a dead-letter source of an environment',
    z.object({ environmentId: uuid, source: deadLetterSourceInputSchema }).strict(),
    deadLetterSourceViewSchema,
    // Configuration kept in Sluice: allowed in read-only environments too.
    { environment: (i) => ({ kind: 'environment', environmentId: i.environmentId }) },
  ),
  'deadletters.sources.remove': mutation(
    'Forget a dead-letter source (its entries stay where they are)',
    sourceRef,
    z.object({ removed: z.literal(true) }),
    { environment: (i) => ({ kind: 'dead-letter-source', sourceId: i.sourceId }) },
  ),
  'deadletters.browse': query(
    'A page of dead letters matching a filter',
    z
      .object({
        sourceId: uuid,
        filter: browseFilterSchema.default(browseFilterSchema.parse({})),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    browseResultSchema,
  ),
  'deadletters.topReasons': query(
    'Matching dead letters grouped by error class, largest first',
    z
      .object({
        sourceId: uuid,
        filter: browseFilterSchema.default(browseFilterSchema.parse({})),
        limit: z.number().int().min(1).max(100).default(20),
      })
      .strict(),
    z.array(reasonGroupSchema),
  ),
  'deadletters.refreshIndex': query(
    'Bring the local index of a Redis or Kafka source up to date',
    sourceRef,
    indexStateSchema,
  ),
  'deadletters.get': query(
    'One dead letter: payload, headers and metadata',
    z.object({ sourceId: uuid, key: z.string().min(1).max(200) }).strict(),
    deadLetterDetailSchema,
  ),
  'deadletters.validateEdit': query(
    'Check an edited payload: JSON syntax (line and column) and the source JSON Schema',
    z.object({ sourceId: uuid, text: z.string().max(64 * 1024 * 1024) }).strict(),
    editValidationSchema,
  ),
  'deadletters.saveEdit': mutation(
    'Save an edited payload; replay sends it in place of the original',
    z
      .object({
        sourceId: uuid,
        key: z.string().min(1).max(200),
        text: z.string().max(64 * 1024 * 1024),
      })
      .strict(),
    deadLetterDetailSchema,
    onEntry('editing a dead letter'),
  ),
  'deadletters.revertEdit': mutation(
    'Drop the saved edit of an entry',
    z.object({ sourceId: uuid, key: z.string().min(1).max(200) }).strict(),
    deadLetterDetailSchema,
    onEntry('reverting an edit'),
  ),
  'deadletters.dryRun': query(
    'What a replay would do: count, targets and a sample; nothing is sent',
    replayRequestSchema,
    dryRunSchema,
  ),
  'deadletters.replay': mutation(
    'Start a replay job',
    replayRequestSchema,
    replayJobSchema,
    bulkOnSource('replay'),
  ),
  'deadletters.jobs.list': query(
    'Replay jobs of an environment, newest first',
    z.object({ environmentId: uuid, limit: z.number().int().min(1).max(500).default(50) }).strict(),
    z.array(replayJobSchema),
  ),
  'deadletters.jobs.get': query(
    'One replay job',
    z.object({ jobId: uuid }).strict(),
    replayJobSchema,
  ),
  'deadletters.jobs.pause': mutation(
    'Pause a running replay job after its current batch',
    z.object({ jobId: uuid }).strict(),
    replayJobSchema,
    onJob('pausing a replay'),
  ),
  'deadletters.jobs.resume': mutation(
    'Resume a paused replay job',
    z.object({ jobId: uuid }).strict(),
    replayJobSchema,
    onJob('resuming a replay'),
  ),
  'deadletters.jobs.cancel': mutation(
    'Cancel a replay job; what already moved stays moved',
    z.object({ jobId: uuid }).strict(),
    replayJobSchema,
    onJob('cancelling a replay'),
  ),
  'deadletters.discard': mutation(
    'Discard dead letters with a reason (Kafka: marked resolved in Sluice)',
    discardRequestSchema,
    z.object({
      discarded: z.number().int().nonnegative(),
      /** Already gone from the dead-letter store. */
      missing: z.number().int().nonnegative(),
    }),
    bulkOnSource('discard'),
  ),
} as const;

export const deadLetterEvents = {
  'deadletters.job': replayJobSchema,
  'deadletters.index': z.object({
    sourceId: uuid,
    state: indexStateSchema.shape.state,
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
  }),
  'deadletters.changed': z.object({ environmentId: uuid, sourceIds: z.array(uuid) }),
} as const;
