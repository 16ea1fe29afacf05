import { z } from 'zod';
import { mutation, query } from '../define';

/** Hash of the record before the first one: 64 zeros. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export const auditResultSchema = z.enum(['ok', 'denied', 'failed']);
export type AuditResult = z.infer<typeof auditResultSchema>;

/** What an action touched: an environment, a dead letter, a setting, an export file... */
export const auditTargetSchema = z.object({
  type: z.string().min(1).max(100),
  id: z.string().max(1000),
  name: z.string().max(1000).optional(),
});
export type AuditTarget = z.infer<typeof auditTargetSchema>;

export const auditOperatorSchema = z.object({
  osUser: z.string(),
  displayName: z.string(),
  hostName: z.string(),
});

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** One record as a list row: everything except the parameters and the before/after values. */
export const auditRecordSummarySchema = z.object({
  seq: z.number().int().positive(),
  /** UTC, ISO 8601 with milliseconds. */
  time: z.string(),
  operator: auditOperatorSchema,
  environment: z.object({ id: z.string(), name: z.string() }).nullable(),
  action: z.string(),
  targets: z.array(auditTargetSchema),
  result: auditResultSchema,
  /** The error code of a failed or denied call. */
  errorCode: z.string().nullable(),
  reason: z.string().nullable(),
  jobId: z.string().nullable(),
  prevHash: sha256Hex,
  hash: sha256Hex,
});
export type AuditRecordSummary = z.infer<typeof auditRecordSummarySchema>;

/** A full record. JSON values have secrets masked; null when the action recorded none. */
export const auditRecordSchema = auditRecordSummarySchema.extend({
  parameters: z.json(),
  before: z.json().nullable(),
  after: z.json().nullable(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

const isoTime = z.iso.datetime({ offset: true });

/**
 * Filters combine with AND. `operator` matches the OS user exactly, `environment`
 * the environment id exactly; `target` is a case-insensitive substring of the
 * targets' types, ids and names. `from` is inclusive, `to` exclusive.
 */
export const auditFilterSchema = z
  .object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    operator: z.string().min(1).max(256).optional(),
    environment: z.string().min(1).max(256).optional(),
    action: z.string().min(1).max(200).optional(),
    result: auditResultSchema.optional(),
    target: z.string().min(1).max(500).optional(),
    jobId: z.string().min(1).max(200).optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditHeadSchema = z.object({
  /** 0 for an empty log. */
  seq: z.number().int().nonnegative(),
  /** AUDIT_GENESIS_HASH for an empty log. */
  hash: sha256Hex,
  /** Time of the last record, null for an empty log. */
  time: z.string().nullable(),
});
export type AuditHead = z.infer<typeof auditHeadSchema>;

export const auditVerifyResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    /** Records checked. */
    count: z.number().int().nonnegative(),
    head: auditHeadSchema,
    elapsedMs: z.number().nonnegative(),
  }),
  z.object({
    ok: z.literal(false),
    /** The first sequence number whose record is missing, altered, or not linked to the previous one. */
    brokenAt: z.number().int().positive(),
    reason: z.enum(['missing', 'altered', 'unlinked']),
    /** Records that verified before the break. */
    count: z.number().int().nonnegative(),
    elapsedMs: z.number().nonnegative(),
  }),
]);
export type AuditVerifyResult = z.infer<typeof auditVerifyResultSchema>;

export const auditExportFormatSchema = z.enum(['csv', 'jsonl', 'pdf']);
export type AuditExportFormat = z.infer<typeof auditExportFormatSchema>;

export const auditPageSchema = z.object({
  /** Newest first. */
  records: z.array(auditRecordSummarySchema),
  /**
   * Pass back as `cursor` for the next (older) page; null when nothing older is
   * left. A page may hold fewer than `limit` records and still have a cursor: a
   * search over a large log returns what it found within its time budget.
   */
  nextCursor: z.number().int().positive().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

export const auditFacetsSchema = z.object({
  actions: z.array(z.string()),
  operators: z.array(z.object({ osUser: z.string(), displayNames: z.array(z.string()) })),
  environments: z.array(z.object({ id: z.string(), names: z.array(z.string()) })),
});
export type AuditFacets = z.infer<typeof auditFacetsSchema>;

export const auditExportResultSchema = z.object({
  /** Absolute path of the written file. */
  path: z.string(),
  fileName: z.string(),
  /** True when the file sits in the exports folder, so browser mode can download it. */
  downloadable: z.boolean(),
  format: auditExportFormatSchema,
  /** Records written (the PDF lists at most a fixed number; see `listed`). */
  records: z.number().int().nonnegative(),
  listed: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  head: auditHeadSchema,
  verification: auditVerifyResultSchema,
});
export type AuditExportResult = z.infer<typeof auditExportResultSchema>;

export const auditChannels = {
  'audit.query': query(
    'A page of audit records matching a filter, newest first (keyset pagination)',
    z
      .object({
        filter: auditFilterSchema.default({}),
        /** Return records with a sequence number below this one. */
        cursor: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    auditPageSchema,
  ),
  'audit.get': query(
    'One audit record with its parameters and before/after values',
    z.object({ seq: z.number().int().positive() }).strict(),
    auditRecordSchema,
  ),
  'audit.facets': query(
    'The actions, operators and environments that occur in the log, for filter pickers',
    z.object({}).strict(),
    auditFacetsSchema,
  ),
  'audit.head': query('The last record of the hash chain', z.object({}).strict(), auditHeadSchema),
  'audit.verify': query(
    'Recompute the hash chain and name the first broken sequence number',
    z.object({}).strict(),
    auditVerifyResultSchema,
  ),
  'audit.export': mutation(
    'Write the records matching a filter as CSV, JSON Lines or a PDF report into the exports folder',
    z.object({ format: auditExportFormatSchema, filter: auditFilterSchema.default({}) }).strict(),
    auditExportResultSchema,
    {
      environment: null,
      because:
        "it writes Sluice's own audit log to a file; a filter on an environment selects " +
        'records, it acts on nothing there',
    },
  ),
} as const;
