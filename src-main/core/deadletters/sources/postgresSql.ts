import type pg from 'pg';
import { SluiceError, type BrowseFilter, type DeadLetterSourceSettings } from '@shared/contract';
import { OutageError, describeError, isPostgresOutage } from '../faults';
import { NO_ERROR_CLASS } from '../index/entryIndex';
import { escapeLike, qualifiedTable, quoteIdentifier } from '../pgIdentifiers';

export type PostgresSettings = Extract<DeadLetterSourceSettings, { kind: 'postgres' }>;

/** Column types a payload may have; anything else is refused with a clear message. */
export const PAYLOAD_TYPES = ['text', 'character varying', 'jsonb', 'json', 'bytea'] as const;
export type PayloadType = (typeof PAYLOAD_TYPES)[number];

export function payloadTypeOf(formatted: string): PayloadType | null {
  const base = formatted.replace(/\(.*\)$/, '').trim();
  return (PAYLOAD_TYPES as readonly string[]).includes(base) ? (base as PayloadType) : null;
}

/** Column name to formatted type, or null when the table does not exist. */
export async function tableColumns(
  db: pg.Pool | pg.PoolClient,
  schema: string,
  table: string,
): Promise<Map<string, string> | null> {
  const result = await db.query<{ name: string; type: string | null; exists: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [qualifiedTable(schema, table)],
  );
  if (result.rows.length === 0) {
    const exists = await db.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [
      qualifiedTable(schema, table),
    ]);
    if (exists.rows[0]?.oid === null || exists.rows[0]?.oid === undefined) return null;
  }
  return new Map(result.rows.map((row) => [row.name, row.type ?? '']));
}

/** The SQL pieces of one configured dead-letter table. */
export class DeadLetterTableSql {
  readonly table: string;
  readonly id: string;
  readonly status: string | null;

  constructor(
    readonly settings: PostgresSettings,
    readonly payloadType: PayloadType,
  ) {
    this.table = qualifiedTable(settings.schema, settings.table);
    this.id = quoteIdentifier(settings.columns.id);
    this.status =
      settings.columns.status === null ? null : quoteIdentifier(settings.columns.status);
  }

  private column(name: string | null, cast: string): string {
    return name === null ? `NULL::${cast}` : `${quoteIdentifier(name)}::${cast}`;
  }

  get payloadExpression(): string {
    const payload = quoteIdentifier(this.settings.columns.payload);
    return this.payloadType === 'bytea' ? payload : `${payload}::text`;
  }

  /** Everything a list row needs, without the payload. */
  get listColumns(): string {
    const c = this.settings.columns;
    const payload = quoteIdentifier(c.payload);
    const size =
      this.payloadType === 'bytea' ? `octet_length(${payload})` : `octet_length(${payload}::text)`;
    return [
      `${this.id}::text AS key`,
      `${this.column(c.errorClass, 'text')} AS error_class`,
      `${this.column(c.errorMessage, 'text')} AS reason`,
      `${this.column(c.attempts, 'bigint')} AS attempts`,
      `${this.column(c.firstFailedAt, 'timestamptz')} AS first_failed_at`,
      `${this.column(c.lastFailedAt, 'timestamptz')} AS last_failed_at`,
      `${this.column(c.origin, 'text')} AS origin`,
      `${size} AS size`,
      `${this.status === null ? 'NULL::text' : `${this.status}::text`} AS status`,
    ].join(', ');
  }

  get detailColumns(): string {
    return `${this.listColumns}, ${this.payloadExpression} AS payload`;
  }

  /** WHERE for a browse filter; $1.. are numbered from `first`. */
  where(filter: BrowseFilter, params: unknown[]): string {
    const c = this.settings.columns;
    const parts: string[] = [];
    const add = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (this.status !== null && !filter.showResolved) {
      parts.push(`${this.status} = ${add(this.settings.statusValues.pending)}`);
    }
    if (filter.errorClasses.length > 0) {
      if (c.errorClass === null) parts.push('false');
      else {
        const column = quoteIdentifier(c.errorClass);
        const named = filter.errorClasses.filter((name) => name !== NO_ERROR_CLASS);
        const alternatives: string[] = [];
        if (named.length > 0) alternatives.push(`${column}::text = ANY(${add(named)}::text[])`);
        if (named.length < filter.errorClasses.length) {
          alternatives.push(`(${column} IS NULL OR ${column}::text = '')`);
        }
        parts.push(`(${alternatives.join(' OR ')})`);
      }
    }
    if (filter.reason.trim() !== '') {
      if (c.errorMessage === null) parts.push('false');
      else {
        parts.push(
          `${quoteIdentifier(c.errorMessage)}::text ILIKE ${add(`%${escapeLike(filter.reason.trim())}%`)}`,
        );
      }
    }
    const time = c.lastFailedAt ?? c.firstFailedAt;
    if (filter.from !== null) {
      parts.push(
        time === null ? 'false' : `${quoteIdentifier(time)} >= ${add(filter.from)}::timestamptz`,
      );
    }
    if (filter.to !== null) {
      parts.push(
        time === null ? 'false' : `${quoteIdentifier(time)} <= ${add(filter.to)}::timestamptz`,
      );
    }
    if (filter.key.trim() !== '') parts.push(`${this.id}::text = ${add(filter.key.trim())}`);
    if (filter.text.trim() !== '') {
      // A scan on the server: every whitespace-separated term must occur in the payload text.
      const words = filter.text.split(/\s+/).filter((term) => term.length > 0);
      if (words.length === 0) parts.push('false');
      const payloadText =
        this.payloadType === 'bytea'
          ? `convert_from(${quoteIdentifier(c.payload)}, 'UTF8')`
          : `${quoteIdentifier(c.payload)}::text`;
      for (const word of words.slice(0, 20)) {
        parts.push(`${payloadText} ILIKE ${add(`%${escapeLike(word)}%`)}`);
      }
    }
    return parts.length === 0 ? 'true' : parts.join(' AND ');
  }

  /** Rows still dead among ids: pending, or any row when the table has no status. */
  pendingCondition(params: unknown[]): string {
    if (this.status === null) return 'true';
    params.push(this.settings.statusValues.pending);
    return `${this.status} = $${params.length}`;
  }

  /** Marks or deletes rows; returns the ids it changed. */
  resolveStatement(kind: 'replayed' | 'discarded', idsParam: string, params: unknown[]): string {
    const pending = this.pendingCondition(params);
    if (this.settings.removal === 'delete' || this.status === null) {
      return `DELETE FROM ${this.table} WHERE ${this.id} = ANY(${idsParam}) AND ${pending}
              RETURNING ${this.id}::text AS key`;
    }
    params.push(this.settings.statusValues[kind]);
    return `UPDATE ${this.table} SET ${this.status} = $${params.length}
             WHERE ${this.id} = ANY(${idsParam}) AND ${pending} RETURNING ${this.id}::text AS key`;
  }
}

export function requireColumns(columns: Map<string, string>, settings: PostgresSettings): void {
  const c = settings.columns;
  const configured = [
    c.id,
    c.payload,
    c.errorClass,
    c.errorMessage,
    c.attempts,
    c.firstFailedAt,
    c.lastFailedAt,
    c.origin,
    c.status,
  ].filter((name): name is string => name !== null);
  const missing = configured.filter((name) => !columns.has(name));
  if (missing.length > 0) {
    throw new SluiceError(
      'INVALID_INPUT',
      `table ${settings.schema}.${settings.table} has no column ${missing.map((m) => `"${m}"`).join(', ')}`,
    );
  }
}

/** Runs a PostgreSQL call, turning server and connection trouble into OutageError. */
export async function onPostgres<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SluiceError || error instanceof OutageError) throw error;
    if (isPostgresOutage(error)) throw new OutageError('PostgreSQL', postgresCause(error));
    throw error;
  }
}

/**
 * Names the server-side bound that stopped a statement. Both leave the rows as
 * they were (the transaction rolls back), so the job pauses and retries the batch.
 */
export function postgresCause(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '55P03') {
    return `rows are locked by another session; gave way at lock_timeout: ${describeError(error)}`;
  }
  if (code === '57014') {
    return `statement cancelled at statement_timeout (or by an operator): ${describeError(error)}`;
  }
  return describeError(error);
}
