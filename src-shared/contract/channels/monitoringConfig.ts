import { z } from 'zod';
import { serviceKindSchema } from './environments';

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
