import { hash } from 'node:crypto';
import type { AuditRecord, AuditRecordSummary, AuditResult, AuditTarget } from '@shared/contract';
import { jsonString, wellFormed } from './canonicalJson';
import { isoTime } from './isoTime';
import { auditJson, redactString } from './masking';

/** A row of audit_log exactly as stored. */
export interface AuditRow {
  seq: number;
  time: string;
  os_user: string;
  display_name: string;
  host_name: string;
  environment_id: string | null;
  environment_name: string | null;
  action: string;
  /** Canonical JSON array of AuditTarget. */
  targets: string;
  /** Canonical JSON, secrets masked. */
  parameters: string;
  before_json: string | null;
  after_json: string | null;
  result: AuditResult;
  error_code: string | null;
  reason: string | null;
  job_id: string | null;
  prev_hash: string;
  hash: string;
}

/** Column order of the table and of every SELECT that returns whole rows. */
export const AUDIT_COLUMNS = [
  'seq',
  'time',
  'os_user',
  'display_name',
  'host_name',
  'environment_id',
  'environment_name',
  'action',
  'targets',
  'parameters',
  'before_json',
  'after_json',
  'result',
  'error_code',
  'reason',
  'job_id',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof AuditRow)[];

/** A row's values in AUDIT_COLUMNS order, for positional INSERT parameters. */
export function rowValues(row: AuditRow): unknown[] {
  return [
    row.seq,
    row.time,
    row.os_user,
    row.display_name,
    row.host_name,
    row.environment_id,
    row.environment_name,
    row.action,
    row.targets,
    row.parameters,
    row.before_json,
    row.after_json,
    row.result,
    row.error_code,
    row.reason,
    row.job_id,
    row.prev_hash,
    row.hash,
  ];
}

/**
 * The fields a record's hash covers, in canonical (sorted) key order, with how
 * each is written: text fields as JSON strings (or null), JSON fields spliced
 * in as their stored canonical text, seq as a JSON number. prev_hash and hash
 * are not fields of the record: prev_hash is prefixed to it, hash is the result.
 */
export const HASHED_FIELDS = [
  { column: 'action', kind: 'text' },
  { column: 'after_json', kind: 'json' },
  { column: 'before_json', kind: 'json' },
  { column: 'display_name', kind: 'text' },
  { column: 'environment_id', kind: 'text' },
  { column: 'environment_name', kind: 'text' },
  { column: 'error_code', kind: 'text' },
  { column: 'host_name', kind: 'text' },
  { column: 'job_id', kind: 'text' },
  { column: 'os_user', kind: 'text' },
  { column: 'parameters', kind: 'json' },
  { column: 'reason', kind: 'text' },
  { column: 'result', kind: 'text' },
  { column: 'seq', kind: 'integer' },
  { column: 'targets', kind: 'json' },
  { column: 'time', kind: 'text' },
] as const satisfies readonly { column: keyof AuditRow; kind: 'text' | 'json' | 'integer' }[];

type HashedRow = Omit<AuditRow, 'prev_hash' | 'hash'>;

function quoted(value: string | null): string {
  return value === null ? 'null' : jsonString(value);
}

/**
 * The canonical JSON of a record (see canonicalJson.ts): an object of the
 * HASHED_FIELDS with sorted keys. JSON columns are stored in canonical form, so
 * splicing their text in yields the canonical form of the whole record.
 * Written out field by field because every append runs it; the test
 * "builds the same canonical JSON inside SQLite as in JavaScript" holds it to
 * HASHED_FIELDS, from which the verifier's SQL is generated.
 */
export function canonicalRecordJson(row: HashedRow): string {
  return (
    `{"action":${quoted(row.action)},"after_json":${row.after_json ?? 'null'}` +
    `,"before_json":${row.before_json ?? 'null'},"display_name":${quoted(row.display_name)}` +
    `,"environment_id":${quoted(row.environment_id)}` +
    `,"environment_name":${quoted(row.environment_name)},"error_code":${quoted(row.error_code)}` +
    `,"host_name":${quoted(row.host_name)},"job_id":${quoted(row.job_id)}` +
    `,"os_user":${quoted(row.os_user)},"parameters":${row.parameters}` +
    `,"reason":${quoted(row.reason)},"result":${quoted(row.result)},"seq":${row.seq}` +
    `,"targets":${row.targets},"time":${quoted(row.time)}}`
  );
}

/** hash = lowercase hex SHA-256 of the UTF-8 bytes of prev_hash followed by the canonical record JSON. */
export function chainHash(prevHash: string, canonicalRecord: string): string {
  return hash('sha256', prevHash + canonicalRecord, 'hex');
}

/** A JSON value that is already masked and canonical (captured earlier by an audit scope). */
export class PreparedAuditJson {
  constructor(readonly text: string) {}
}

export interface AuditOperator {
  osUser: string;
  displayName: string;
  hostName: string;
}

/** What a caller hands to AuditLog.append. */
export interface AuditEntry {
  /** Defaults to now. */
  time?: Date;
  operator: AuditOperator;
  environment?: { id: string; name: string } | null;
  action: string;
  targets?: readonly AuditTarget[];
  parameters?: unknown;
  /** Absent (or undefined) when the action has no before/after view. */
  before?: unknown;
  after?: unknown;
  result: AuditResult;
  errorCode?: string | null;
  reason?: string | null;
  jobId?: string | null;
}

const MAX_TEXT_CHARS = 4000;

/** Text columns: well-formed, bounded, and free of secrets quoted from driver messages. */
function text(value: string, redact = false): string {
  let clean = wellFormed(value);
  if (clean.includes('\u0000')) clean = clean.replaceAll('\u0000', '\uFFFD');
  if (clean.length > MAX_TEXT_CHARS) clean = `${clean.slice(0, MAX_TEXT_CHARS)}…`;
  return redact ? redactString(clean) : clean;
}

function optionalText(value: string | null | undefined, redact = false): string | null {
  return value === null || value === undefined ? null : text(value, redact);
}

function jsonColumn(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (value instanceof PreparedAuditJson) return value.text;
  return auditJson(value);
}

/** Everything of a row except seq, prev_hash and hash, normalised for storage. */
export function normaliseEntry(entry: AuditEntry): Omit<HashedRow, 'seq'> {
  return {
    time: isoTime(entry.time ?? new Date()),
    os_user: text(entry.operator.osUser),
    display_name: text(entry.operator.displayName),
    host_name: text(entry.operator.hostName),
    environment_id: entry.environment ? text(entry.environment.id) : null,
    environment_name: entry.environment ? text(entry.environment.name) : null,
    action: text(entry.action),
    targets: jsonColumn(entry.targets ?? []) ?? '[]',
    parameters: jsonColumn(entry.parameters ?? {}) ?? '{}',
    before_json: jsonColumn(entry.before),
    after_json: jsonColumn(entry.after),
    result: entry.result,
    error_code: optionalText(entry.errorCode),
    reason: optionalText(entry.reason, true),
    job_id: optionalText(entry.jobId),
  };
}

function parseJson(textValue: string | null): unknown {
  if (textValue === null) return null;
  try {
    return JSON.parse(textValue) as unknown;
  } catch {
    // A row altered by hand may hold anything; show it rather than fail.
    return { unreadable: textValue.slice(0, 1000) };
  }
}

function parseTargets(textValue: string): AuditTarget[] {
  const parsed = parseJson(textValue);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((item: unknown): AuditTarget[] => {
    if (item === null || typeof item !== 'object') return [];
    const { type, id, name } = item as Record<string, unknown>;
    if (typeof type !== 'string' || typeof id !== 'string') return [];
    return [typeof name === 'string' ? { type, id, name } : { type, id }];
  });
}

/** Summary columns, in the order the summary SELECT returns them. */
export const SUMMARY_COLUMNS = AUDIT_COLUMNS.filter(
  (column) => column !== 'parameters' && column !== 'before_json' && column !== 'after_json',
);

export type SummaryRow = Omit<AuditRow, 'parameters' | 'before_json' | 'after_json'>;

export function rowToSummary(row: SummaryRow): AuditRecordSummary {
  return {
    seq: row.seq,
    time: row.time,
    operator: { osUser: row.os_user, displayName: row.display_name, hostName: row.host_name },
    environment:
      row.environment_id === null
        ? null
        : { id: row.environment_id, name: row.environment_name ?? '' },
    action: row.action,
    targets: parseTargets(row.targets),
    result: row.result,
    errorCode: row.error_code,
    reason: row.reason,
    jobId: row.job_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function rowToRecord(row: AuditRow): AuditRecord {
  return {
    ...rowToSummary(row),
    parameters: parseJson(row.parameters) as AuditRecord['parameters'],
    before: parseJson(row.before_json) as AuditRecord['before'],
    after: parseJson(row.after_json) as AuditRecord['after'],
  };
}
