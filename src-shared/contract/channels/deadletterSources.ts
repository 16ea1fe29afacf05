import { z } from 'zod';

/**
 * Dead-letter source configuration: where the entries of a source live and
 * how to read them, and where replays may go.
 */

const uuid = z.string().uuid();

/** Identifiers are validated here and quoted again where SQL is built. */
export const pgIdentifierSchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,62}$/,
    'a PostgreSQL identifier is a letter or _ followed by letters, digits or _ (at most 63)',
  );

export const redisKeySchema = z
  .string()
  .min(1, 'a Redis key is required')
  .max(1024)
  .refine((key) => !/[\r\n]/.test(key), 'a Redis key may not hold line breaks');

export const kafkaTopicSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a topic name is 1-249 letters, digits, ".", "_" or "-"');

/** "error_class" or "meta.error.class": where a value sits in a JSON envelope. */
export const fieldPathSchema = z
  .string()
  .max(200)
  .regex(
    /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/,
    'a field path is names joined by dots, for example meta.error_class',
  );

export const listSideSchema = z.enum(['head', 'tail']);
export type ListSide = z.infer<typeof listSideSchema>;

export const redisEnvelopeFieldsSchema = z.object({
  id: fieldPathSchema.nullable().default('id'),
  payload: fieldPathSchema.default('payload'),
  /** Field saying how the payload is encoded; the value "base64" means raw bytes in base64. */
  payloadEncoding: fieldPathSchema.nullable().default('payload_encoding'),
  errorClass: fieldPathSchema.nullable().default('error_class'),
  errorMessage: fieldPathSchema.nullable().default('error_message'),
  attempts: fieldPathSchema.nullable().default('attempts'),
  firstFailedAt: fieldPathSchema.nullable().default('first_failed_at'),
  lastFailedAt: fieldPathSchema.nullable().default('last_failed_at'),
  /** The queue the entry came from: the "original" replay target. */
  origin: fieldPathSchema.nullable().default('source_queue'),
});
export type RedisEnvelopeFields = z.output<typeof redisEnvelopeFieldsSchema>;

export const redisSourceSettingsSchema = z.object({
  kind: z.literal('redis'),
  key: redisKeySchema,
  /** envelope: JSON objects with metadata fields; raw: each element is the payload itself. */
  format: z.enum(['envelope', 'raw']).default('envelope'),
  fields: redisEnvelopeFieldsSchema.default(redisEnvelopeFieldsSchema.parse({})),
  /** Which end producers push new dead letters to (LPUSH: head). Oldest entries replay first. */
  pushSide: listSideSchema.default('head'),
  /**
   * Envelope format only (raw entries are always pushed byte for byte):
   * json-fields: a payload that is a JSON object gets "x-sluice-replay-id" and
   * "x-sluice-origin" members; anything else is pushed byte for byte.
   * none: every payload is pushed byte for byte (the replay id stays in the job journal).
   */
  replayMarking: z.enum(['json-fields', 'none']).default('json-fields'),
  /** Where "original" replays go when an entry names no queue (always, for raw entries). */
  defaultTargetKey: redisKeySchema.nullable().default(null),
});

export const kafkaSourceSettingsSchema = z.object({
  kind: z.literal('kafka'),
  topic: kafkaTopicSchema,
  /** Where "original" replays go when a record carries no original-topic header. */
  defaultTargetTopic: kafkaTopicSchema.nullable().default(null),
});

export const postgresColumnsSchema = z.object({
  id: pgIdentifierSchema.default('id'),
  payload: pgIdentifierSchema.default('payload'),
  errorClass: pgIdentifierSchema.nullable().default('error_class'),
  errorMessage: pgIdentifierSchema.nullable().default('error_message'),
  attempts: pgIdentifierSchema.nullable().default('attempts'),
  firstFailedAt: pgIdentifierSchema.nullable().default('first_failed_at'),
  lastFailedAt: pgIdentifierSchema.nullable().default('last_failed_at'),
  origin: pgIdentifierSchema.nullable().default('source'),
  /** Null when rows are deleted instead of marked. */
  status: pgIdentifierSchema.nullable().default('status'),
});

const statusValueSchema = z.string().min(1).max(100);

/** Where a replayed entry goes. "original" reads it from the entry's metadata. */
export const replayTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('original') }),
  z.object({
    kind: z.literal('redis-list'),
    key: redisKeySchema,
    side: listSideSchema.default('head'),
  }),
  z.object({ kind: z.literal('kafka-topic'), topic: kafkaTopicSchema }),
  z.object({
    kind: z.literal('postgres-table'),
    schema: pgIdentifierSchema.default('public'),
    table: pgIdentifierSchema,
    payloadColumn: pgIdentifierSchema,
    replayIdColumn: pgIdentifierSchema.nullable().default(null),
    originColumn: pgIdentifierSchema.nullable().default(null),
  }),
]);
export type ReplayTarget = z.output<typeof replayTargetSchema>;
export type ReplayTargetInput = z.input<typeof replayTargetSchema>;
/** A target with "original" resolved. */
export type ConcreteReplayTarget = Exclude<ReplayTarget, { kind: 'original' }>;

export const postgresSourceSettingsSchema = z.object({
  kind: z.literal('postgres'),
  schema: pgIdentifierSchema.default('public'),
  table: pgIdentifierSchema,
  columns: postgresColumnsSchema.default(postgresColumnsSchema.parse({})),
  statusValues: z
    .object({
      pending: statusValueSchema.default('pending'),
      replayed: statusValueSchema.default('replayed'),
      discarded: statusValueSchema.default('discarded'),
    })
    .default({ pending: 'pending', replayed: 'replayed', discarded: 'discarded' }),
  /** status: set the status column; delete: remove the row. */
  removal: z.enum(['status', 'delete']).default('status'),
  /** Where "original" replays go: a PostgreSQL table or a Redis list. */
  defaultTarget: replayTargetSchema.nullable().default(null),
});

export const deadLetterSourceSettingsSchema = z.discriminatedUnion('kind', [
  redisSourceSettingsSchema,
  kafkaSourceSettingsSchema,
  postgresSourceSettingsSchema,
]);
export type DeadLetterSourceSettings = z.output<typeof deadLetterSourceSettingsSchema>;
export type DeadLetterSourceKind = DeadLetterSourceSettings['kind'];

export const DEFAULT_BULK_CONFIRM_THRESHOLD = 100;

export const deadLetterSourceInputSchema = z.object({
  /** Absent to create, present to update. */
  id: uuid.optional(),
  name: z.string().trim().min(1, 'name is required').max(80),
  settings: deadLetterSourceSettingsSchema,
  /** A JSON Schema (as text) every edited payload must satisfy, or null. */
  jsonSchema: z.string().max(200_000).nullable().default(null),
  /** In a production environment, actions on more entries than this need the typed name. */
  bulkConfirmThreshold: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(DEFAULT_BULK_CONFIRM_THRESHOLD),
});
export type DeadLetterSourceInput = z.input<typeof deadLetterSourceInputSchema>;
export type DeadLetterSourceDraft = z.output<typeof deadLetterSourceInputSchema>;

/** The kinds of target a replay can write to ("original" aside). */
export const concreteReplayTargetKindSchema = z.enum([
  'redis-list',
  'kafka-topic',
  'postgres-table',
]);
export type ConcreteReplayTargetKind = z.infer<typeof concreteReplayTargetKindSchema>;

/**
 * What a source's entries allow, as its adapter in the core declares it, so
 * that the renderer never works it out again from the kind of the source.
 */
export const deadLetterSourceCapabilitiesSchema = z.object({
  /**
   * Replayed and discarded entries can still be listed ("show resolved"):
   * Kafka records stay in the topic, table rows keep a status. Entries that
   * left a Redis list are gone.
   */
  showsResolved: z.boolean(),
  /**
   * What a discard does to an entry: removes it from the store, or marks it
   * resolved in Sluice only (a Kafka record cannot be deleted).
   */
  discard: z.enum(['removes', 'marks-resolved']),
  /** The target kinds a replay may choose besides "original", in the order offered. */
  replayTargets: z.array(concreteReplayTargetKindSchema),
  /** Replayed messages carry record headers the operator may keep, strip or add to. */
  replayHeaders: z.boolean(),
});
export type DeadLetterSourceCapabilities = z.infer<typeof deadLetterSourceCapabilitiesSchema>;

export const deadLetterSourceViewSchema = z.object({
  id: uuid,
  environmentId: uuid,
  name: z.string(),
  settings: deadLetterSourceSettingsSchema,
  capabilities: deadLetterSourceCapabilitiesSchema,
  jsonSchema: z.string().nullable(),
  bulkConfirmThreshold: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DeadLetterSourceView = z.infer<typeof deadLetterSourceViewSchema>;

export const deadLetterSourceStatsSchema = z.object({
  sourceId: uuid,
  state: z.enum(['ok', 'down']),
  /** Entries still dead (Kafka: records not yet resolved). Null while the server is down. */
  count: z.number().int().nonnegative().nullable(),
  /** Change of the count per minute over the last few minutes; null until two samples exist. */
  growthPerMinute: z.number().nullable(),
  /** Why the source is down, in words. */
  error: z.string().nullable(),
  sampledAt: z.string(),
});
export type DeadLetterSourceStats = z.infer<typeof deadLetterSourceStatsSchema>;
