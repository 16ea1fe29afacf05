import { z } from 'zod';
import { mutation, query } from '../define';

const idSchema = z.string().uuid();

/** A reason pattern is a regular expression; it must compile. */
const regexSchema = z
  .string()
  .max(500)
  .refine((value) => {
    try {
      new RegExp(value, 'i');
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression');

const listOf = z.array(z.string().trim().min(1).max(200)).max(50);

/**
 * When a runbook applies. A runbook matches a situation when one of its
 * triggers matches (error class, reason pattern or alert kind) and every scope
 * it names (source, environment) matches too.
 */
export const runbookMatchSchema = z
  .object({
    errorClasses: listOf.default([]),
    reasonPattern: regexSchema.nullable().default(null),
    alertKinds: listOf.default([]),
    sources: listOf.default([]),
    environments: listOf.default([]),
  })
  .strict();
export type RunbookMatch = z.output<typeof runbookMatchSchema>;

export const runbookInputSchema = z
  .object({
    /** Absent to create, present to save a new version. */
    id: idSchema.optional(),
    title: z.string().trim().min(1, 'title is required').max(200),
    body: z.string().max(200_000),
    tags: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
    match: runbookMatchSchema.default({
      errorClasses: [],
      reasonPattern: null,
      alertKinds: [],
      sources: [],
      environments: [],
    }),
  })
  .strict();
export type RunbookInput = z.input<typeof runbookInputSchema>;

export const runbookSchema = z.object({
  id: idSchema,
  version: z.number().int().positive(),
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  match: runbookMatchSchema,
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type Runbook = z.infer<typeof runbookSchema>;

export const runbookVersionSummarySchema = z.object({
  version: z.number().int().positive(),
  title: z.string(),
  author: z.string(),
  createdAt: z.string(),
});

export const runbookMatchContextSchema = z
  .object({
    errorClass: z.string().max(500).optional(),
    reason: z.string().max(10_000).optional(),
    alertKind: z.string().max(200).optional(),
    source: z.string().max(500).optional(),
    environment: z.string().max(200).optional(),
  })
  .strict();
export type RunbookMatchContext = z.infer<typeof runbookMatchContextSchema>;

export const runbookChannels = {
  'runbooks.list': query(
    'Current version of every runbook, optionally filtered by text or tag',
    z.object({ text: z.string().max(200).optional(), tag: z.string().max(50).optional() }).strict(),
    z.array(runbookSchema),
  ),
  'runbooks.get': query(
    'One runbook, at its current version or a given one, with its version history',
    z.object({ id: idSchema, version: z.number().int().positive().optional() }).strict(),
    z.object({ runbook: runbookSchema, versions: z.array(runbookVersionSummarySchema) }),
  ),
  'runbooks.save': mutation(
    'Create a runbook or save a new version of one; every version is kept',
    z.object({ runbook: runbookInputSchema }).strict(),
    runbookSchema,
    { environment: null, because: 'runbooks are kept in Sluice and belong to no environment' },
  ),
  'runbooks.remove': mutation(
    'Remove a runbook and its history',
    z.object({ id: idSchema }).strict(),
    z.object({ removed: z.literal(true) }),
    { environment: null, because: 'runbooks are kept in Sluice and belong to no environment' },
  ),
  'runbooks.match': query(
    'Runbooks that apply to a dead letter or an alert, best match first',
    runbookMatchContextSchema,
    z.array(runbookSchema),
  ),
  'runbooks.export': mutation(
    'Write every runbook as a markdown file with front matter into a folder',
    z.object({ directory: z.string().min(1).max(4096).optional() }).strict(),
    z.object({ directory: z.string(), files: z.number().int().nonnegative() }),
    {
      environment: null,
      because: 'it writes runbooks, which belong to no environment, to a folder',
    },
  ),
  'runbooks.import': mutation(
    'Read a folder of markdown files with front matter; a runbook with the same title gets a new version',
    z.object({ directory: z.string().min(1).max(4096) }).strict(),
    z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }),
    {
      environment: null,
      because: 'it reads runbooks, which belong to no environment, from a folder',
    },
  ),
} as const;
