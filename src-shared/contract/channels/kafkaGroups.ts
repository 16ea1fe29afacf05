import { z } from 'zod';
import { mutation, query } from '../define';
import { kafkaGroupIdSchema } from './monitoringConfig';

const environmentIdSchema = z.string().uuid();
const topicNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: letters, digits, ".", "_" or "-"');
const offsetSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The states the group coordinator reports (DescribeGroups). */
export const groupStateSchema = z.enum([
  'Stable',
  'PreparingRebalance',
  'CompletingRebalance',
  'Empty',
  'Dead',
  'Unknown',
]);
export type GroupState = z.infer<typeof groupStateSchema>;

export const groupMemberSchema = z.object({
  memberId: z.string(),
  clientId: z.string(),
  host: z.string(),
  /** The partitions the group leader assigned to this member, per topic. */
  assignment: z.array(z.object({ topic: z.string(), partitions: z.array(z.number().int()) })),
});
export type GroupMember = z.infer<typeof groupMemberSchema>;

export const groupPartitionOffsetSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  /** The committed offset (null: never committed on this partition). */
  committed: z.number().int().nullable(),
  logStart: z.number().int(),
  logEnd: z.number().int(),
  /** logEnd − committed; null without a commit. */
  lag: z.number().int().nullable(),
  /** The member currently assigned this partition, if any. */
  memberId: z.string().nullable(),
});
export type GroupPartitionOffset = z.infer<typeof groupPartitionOffsetSchema>;

export const groupDescriptionSchema = z.object({
  groupId: z.string(),
  state: groupStateSchema,
  /** "consumer" for consumer groups; empty for groups that only commit offsets. */
  protocolType: z.string(),
  /** The assignor the members agreed on (e.g. "range"); empty without members. */
  protocol: z.string(),
  members: z.array(groupMemberSchema),
  /** Committed offsets of every topic the group committed on (OffsetFetch for all topics). */
  offsets: z.array(groupPartitionOffsetSchema),
  describedAt: z.string(),
});
export type GroupDescription = z.infer<typeof groupDescriptionSchema>;

export const offsetResetTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }).strict(),
  z.object({ kind: z.literal('latest') }).strict(),
  /** The first offset whose record timestamp is at or after this time (ms since epoch). */
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal('offset'), offset: offsetSchema }).strict(),
  /** Moves the committed offset by N (1 skips the record at the committed offset). */
  z
    .object({ kind: z.literal('shift'), by: z.number().int().min(-1e12).max(1e12) })
    .strict()
    .refine((target) => target.by !== 0, 'a shift of 0 changes nothing'),
]);
export type OffsetResetTarget = z.infer<typeof offsetResetTargetSchema>;

const offsetResetRequestFields = {
  environmentId: environmentIdSchema,
  groupId: kafkaGroupIdSchema,
  /** One topic, or every topic the group has committed offsets for. */
  topic: topicNameSchema.nullable().default(null),
  /** Some partitions of the topic; all of them when absent. */
  partitions: z
    .array(z.number().int().min(0).max(100_000))
    .min(1)
    .max(10_000)
    .nullable()
    .default(null),
  target: offsetResetTargetSchema,
};

export const offsetResetRequestSchema = z
  .object(offsetResetRequestFields)
  .strict()
  .refine((request) => request.partitions === null || request.topic !== null, {
    message: 'partitions can only be chosen within one topic',
    path: ['partitions'],
  });
export type OffsetResetRequest = z.input<typeof offsetResetRequestSchema>;

export const offsetResetRowSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  /** The committed offset now (null: never committed). */
  current: z.number().int().nullable(),
  /** The offset the reset commits. */
  next: z.number().int(),
  logStart: z.number().int(),
  logEnd: z.number().int(),
  lagBefore: z.number().int().nullable(),
  lagAfter: z.number().int(),
  /** The target fell outside [logStart, logEnd] and was moved to the nearest end. */
  clamped: z.boolean(),
});
export type OffsetResetRow = z.infer<typeof offsetResetRowSchema>;

export const offsetResetPreviewSchema = z.object({
  groupId: z.string(),
  state: groupStateSchema,
  members: z.array(groupMemberSchema),
  rows: z.array(offsetResetRowSchema),
  /** Why the reset cannot be applied now (members present, read-only), or null. */
  refusal: z.string().nullable(),
  /** The environment is production: applying needs its name typed. */
  confirmationRequired: z.boolean(),
});
export type OffsetResetPreview = z.infer<typeof offsetResetPreviewSchema>;

export const offsetResetResultSchema = z.object({
  groupId: z.string(),
  rows: z.array(
    z.object({
      topic: z.string(),
      partition: z.number().int(),
      before: z.number().int().nullable(),
      after: z.number().int(),
    }),
  ),
});
export type OffsetResetResult = z.infer<typeof offsetResetResultSchema>;

/** The most topics, and the most groups, one catalog lists (the rest are counted). */
export const KAFKA_CATALOG_LIMIT = 5_000;

export const kafkaCatalogTopicSchema = z.object({
  name: z.string(),
  partitions: z.number().int(),
  /**
   * Records held: the sum over partitions of high − low watermark. Null when
   * a partition has no leader to ask (offline), rather than a short count.
   */
  records: z.number().int().nullable(),
  /** Kafka's own topics (__consumer_offsets, __transaction_state, …). */
  internal: z.boolean(),
});
export type KafkaCatalogTopic = z.infer<typeof kafkaCatalogTopicSchema>;

export const kafkaCatalogGroupSchema = z.object({
  groupId: z.string(),
  /** "consumer" for consumer groups; empty for groups that only commit offsets. */
  protocolType: z.string(),
});
export type KafkaCatalogGroup = z.infer<typeof kafkaCatalogGroupSchema>;

export const kafkaCatalogSchema = z.object({
  /** User topics first, then internal ones, each by name; at most KAFKA_CATALOG_LIMIT. */
  topics: z.array(kafkaCatalogTopicSchema),
  /** By group id; at most KAFKA_CATALOG_LIMIT. */
  groups: z.array(kafkaCatalogGroupSchema),
  /** How many the cluster has: more than listed where truncated. */
  totals: z.object({ topics: z.number().int(), groups: z.number().int() }),
  /** A list was cut at KAFKA_CATALOG_LIMIT: a name missing from it may still exist. */
  truncated: z.object({ topics: z.boolean(), groups: z.boolean() }),
  listedAt: z.string(),
});
export type KafkaCatalog = z.infer<typeof kafkaCatalogSchema>;

export const kafkaGroupChannels = {
  'kafka.groups.describe': query(
    'State, members with their assignment, and committed offsets with lag of one consumer group',
    z.object({ environmentId: environmentIdSchema, groupId: kafkaGroupIdSchema }).strict(),
    groupDescriptionSchema,
  ),
  'kafka.offsets.previewReset': query(
    'What an offset reset would commit per partition, and whether Kafka would accept it now',
    offsetResetRequestSchema,
    offsetResetPreviewSchema,
  ),
  'kafka.offsets.reset': mutation(
    'Commit new offsets for a consumer group without members (earliest, latest, timestamp, offset, shift)',
    z
      .object({
        ...offsetResetRequestFields,
        /** The environment's name, typed by the operator, for production environments. */
        confirmName: z.string().max(200).nullable().default(null),
      })
      .strict()
      .refine((request) => request.partitions === null || request.topic !== null, {
        message: 'partitions can only be chosen within one topic',
        path: ['partitions'],
      }),
    offsetResetResultSchema,
    {
      environment: (i) => ({
        kind: 'consumer-group',
        environmentId: i.environmentId,
        groupId: i.groupId,
        topic: i.topic,
      }),
      refuseReadOnly: 'an offset reset',
      // Every reset in production, whatever it touches: a group's position is all or nothing.
      confirmProduction: {
        when: 'always',
        typedName: (i) => i.confirmName,
        action: (i) => `resetting offsets of "${i.groupId}"`,
      },
    },
  ),
  'kafka.catalog': query(
    "The cluster's topics (partitions, records, internal) and consumer groups, for pickers",
    z.object({ environmentId: environmentIdSchema }).strict(),
    kafkaCatalogSchema,
  ),
} as const;
