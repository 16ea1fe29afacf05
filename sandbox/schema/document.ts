import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { locateJsonSyntaxError } from '@shared/jsonSyntax';
import { firstInvalidUtf8Byte } from './utf8';

/** Serialized size limit of a document body, enforced by the worker and the importer. */
export const MAX_DOCUMENT_BYTES = 32 * 1024;
/** Size limit of one queue entry; larger entries are never parsed. */
export const MAX_ENTRY_BYTES = 512 * 1024;
export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/;

/** A write as it travels on the queue: {id, key, value, queued_at}. */
export interface Write {
  /** Unique per write; producers that leave it out get one from the worker. */
  id: string;
  key: string;
  value: Record<string, unknown>;
}

export type FailureClass =
  'EntryTooLarge' | 'InvalidEncoding' | 'InvalidJson' | 'SchemaViolation' | 'DocumentTooLarge';

export type Validation =
  { ok: true; write: Write } | { ok: false; errorClass: FailureClass; message: string; id: string };

const writeSchema = z.object({
  id: z.string().min(1).max(200).optional(),
  key: z
    .string({ error: 'key must be a string' })
    .min(1, 'key must not be empty')
    .max(200, 'key is longer than 200 characters')
    .regex(
      KEY_PATTERN,
      'key may hold letters, digits and . _ : @ / - and must start with a letter or digit',
    ),
  value: z.custom<Record<string, unknown>>(
    (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
    { error: 'value must be a JSON object' },
  ),
  queued_at: z.string().optional(),
});

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Shape problems zod would word less plainly: not an object, a required field absent. */
function describeShape(candidate: unknown): string | null {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return 'entry must be a JSON object {key, value}';
  }
  const missing = ['key', 'value'].filter((field) => !(field in candidate));
  return missing.length > 0 ? `missing ${missing.join(' and ')}` : null;
}

/** Describes where a text stops being JSON, with line and column. */
export function describeJsonError(text: string): string {
  const problem = locateJsonSyntaxError(text);
  if (problem) return `${problem.reason} at line ${problem.line} column ${problem.column}`;
  return 'not valid JSON';
}

function idOf(candidate: unknown): string {
  if (typeof candidate === 'object' && candidate !== null) {
    const id = (candidate as { id?: unknown }).id;
    if (typeof id === 'string' && id.length > 0 && id.length <= 200) return id;
  }
  return randomUUID();
}

/** The entry's own id when a lossy decoding still parses: keeps the envelope traceable to its write. */
function idOfUndecodable(raw: Buffer): string {
  try {
    return idOf(JSON.parse(raw.toString('utf8')));
  } catch {
    return randomUUID();
  }
}

/** Checks an already-parsed write against the document schema. */
export function validateWrite(candidate: unknown): Validation {
  const shape = describeShape(candidate);
  if (shape)
    return { ok: false, errorClass: 'SchemaViolation', message: shape, id: idOf(candidate) };
  const parsed = writeSchema.safeParse(candidate);
  if (!parsed.success) {
    return {
      ok: false,
      errorClass: 'SchemaViolation',
      message: describeIssues(parsed.error),
      id: idOf(candidate),
    };
  }
  const id = parsed.data.id ?? randomUUID();
  const bodyBytes = Buffer.byteLength(JSON.stringify(parsed.data.value));
  if (bodyBytes > MAX_DOCUMENT_BYTES) {
    return {
      ok: false,
      errorClass: 'DocumentTooLarge',
      message: `value is ${bodyBytes} bytes, the limit is ${MAX_DOCUMENT_BYTES}`,
      id,
    };
  }
  return { ok: true, write: { id, key: parsed.data.key, value: parsed.data.value } };
}

/** Decodes, parses and validates one raw queue entry. */
export function parseEntry(raw: Buffer): Validation {
  if (raw.length > MAX_ENTRY_BYTES) {
    return {
      ok: false,
      errorClass: 'EntryTooLarge',
      message: `entry is ${raw.length} bytes, the limit is ${MAX_ENTRY_BYTES}`,
      id: randomUUID(),
    };
  }
  const bad = firstInvalidUtf8Byte(raw);
  if (bad >= 0) {
    return {
      ok: false,
      errorClass: 'InvalidEncoding',
      message: `entry is not valid UTF-8: byte 0x${raw[bad]!.toString(16).padStart(2, '0')} at offset ${bad}`,
      id: idOfUndecodable(raw),
    };
  }
  const text = raw.toString('utf8');
  let candidate: unknown;
  try {
    candidate = JSON.parse(text);
  } catch {
    return {
      ok: false,
      errorClass: 'InvalidJson',
      message: `entry is not valid JSON: ${describeJsonError(text)}`,
      id: randomUUID(),
    };
  }
  return validateWrite(candidate);
}
