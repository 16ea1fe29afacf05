import type { Redis } from 'ioredis';
import type pg from 'pg';
import {
  SluiceError,
  type BrowseFilter,
  type ConcreteReplayTarget,
  type DeadLetterRow,
  type DeadLetterSourceCapabilities,
  type IndexState,
  type ReasonGroup,
  type ReplayTarget,
  type Selection,
} from '@shared/contract';
import { OutageError, describeError } from '../faults';
import { isoOrNull } from '../paths';
import { quoteIdentifier } from '../pgIdentifiers';
import { JSON_MARKS_NOTE } from '../replay/marking';
import type {
  DeadLetterSource,
  DiscardOutcome,
  EntrySnapshot,
  MoveItem,
  MoveOutcome,
} from '../source';
import {
  DeadLetterTableSql,
  onPostgres,
  payloadTypeOf,
  requireColumns,
  tableColumns,
  type PostgresSettings,
} from './postgresSql';
import { PostgresMover } from './postgresMove';

export interface PostgresSourceDeps {
  sourceId: string;
  settings: PostgresSettings;
  pool(): Promise<pg.Pool>;
  /** The environment's Redis, for replays to a Redis list. */
  redis(): Promise<Redis>;
}

interface ListRecord {
  key: string;
  error_class: string | null;
  reason: string | null;
  attempts: string | null;
  first_failed_at: Date | null;
  last_failed_at: Date | null;
  origin: string | null;
  size: number | null;
  status: string | null;
}

interface DetailRecord extends ListRecord {
  payload: string | Buffer | null;
}

function isoOf(value: Date | string | null): string | null {
  if (value === null) return null;
  return isoOrNull(value instanceof Date ? value.getTime() : Date.parse(value));
}

/**
 * A PostgreSQL table of dead letters, queried live (the table is indexed
 * already; nothing is copied). A move is one transaction per batch.
 */
export class PostgresTableSource implements DeadLetterSource {
  /**
   * Rows keep a status (or are deleted); the resolved ones can be listed.
   * They replay to a table of the same database or to a Redis list.
   */
  static capabilitiesFor(): DeadLetterSourceCapabilities {
    return {
      showsResolved: true,
      discard: 'removes',
      replayTargets: ['postgres-table', 'redis-list'],
      replayHeaders: false,
    };
  }

  readonly kind = 'postgres' as const;
  readonly capabilities = PostgresTableSource.capabilitiesFor();
  /** A row's payload replayed to a Redis list carries its marks in JSON members. */
  readonly redisListMarking = 'json-fields' as const;
  readonly removesByStoredBytes = false;
  private sqlReady: Promise<DeadLetterTableSql> | null = null;
  private readonly mover: PostgresMover;

  constructor(private readonly deps: PostgresSourceDeps) {
    this.mover = new PostgresMover({
      sql: () => this.sql(),
      pool: deps.pool,
      redis: deps.redis,
    });
  }

  private get settings(): PostgresSettings {
    return this.deps.settings;
  }

  private async sql(): Promise<DeadLetterTableSql> {
    if (!this.sqlReady) {
      const loading = (async () => {
        const pool = await this.deps.pool();
        const columns = await onPostgres(() =>
          tableColumns(pool, this.settings.schema, this.settings.table),
        );
        if (columns === null) {
          throw new SluiceError(
            'NOT_FOUND',
            `table ${this.settings.schema}.${this.settings.table} does not exist`,
          );
        }
        requireColumns(columns, this.settings);
        const type = payloadTypeOf(columns.get(this.settings.columns.payload) ?? '');
        if (type === null) {
          throw new SluiceError(
            'INVALID_INPUT',
            `the payload column must be text, varchar, json, jsonb or bytea`,
          );
        }
        return new DeadLetterTableSql(this.settings, type);
      })();
      this.sqlReady = loading;
      loading.catch(() => {
        if (this.sqlReady === loading) this.sqlReady = null;
      });
    }
    return this.sqlReady;
  }

  private async query<R extends pg.QueryResultRow>(text: string, params: unknown[]): Promise<R[]> {
    const pool = await onPostgres(() => this.deps.pool());
    const result = await onPostgres(() => pool.query<R>(text, params));
    return result.rows;
  }

  indexState(): IndexState {
    return { state: 'live', syncedAt: null, error: null };
  }

  async refresh(): Promise<IndexState> {
    return this.indexState();
  }

  async count(): Promise<number> {
    const sql = await this.sql();
    const params: unknown[] = [];
    const rows = await this.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${sql.table} WHERE ${sql.pendingCondition(params)}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  private toRow(record: ListRecord): DeadLetterRow {
    const values = this.settings.statusValues;
    const resolvedKind =
      record.status === null || record.status === values.pending
        ? null
        : record.status === values.replayed
          ? 'replayed'
          : record.status === values.discarded
            ? 'discarded'
            : null;
    return {
      key: record.key,
      externalId: record.key,
      errorClass: record.error_class,
      reason: record.reason,
      firstFailedAt: isoOf(record.first_failed_at),
      lastFailedAt: isoOf(record.last_failed_at),
      attempts: record.attempts === null ? null : Number(record.attempts),
      origin: record.origin,
      size: Number(record.size ?? 0),
      resolved: resolvedKind === null ? null : { kind: resolvedKind, at: null, reason: null },
      edited: false,
    };
  }

  async page(
    filter: BrowseFilter,
    offset: number,
    limit: number,
  ): Promise<{ rows: DeadLetterRow[]; total: number }> {
    const sql = await this.sql();
    const params: unknown[] = [];
    const where = sql.where(filter, params);
    const [count, rows] = await Promise.all([
      this.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql.table} WHERE ${where}`, params),
      this.query<ListRecord>(
        `SELECT ${sql.listColumns} FROM ${sql.table} WHERE ${where}
          ORDER BY ${sql.id} DESC LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
        params,
      ),
    ]);
    return { rows: rows.map((row) => this.toRow(row)), total: Number(count[0]?.n ?? 0) };
  }

  async topReasons(filter: BrowseFilter, limit: number): Promise<ReasonGroup[]> {
    const sql = await this.sql();
    const c = this.settings.columns;
    if (c.errorClass === null) {
      const params: unknown[] = [];
      const rows = await this.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${sql.table} WHERE ${sql.where(filter, params)}`,
        params,
      );
      return [{ errorClass: null, count: Number(rows[0]?.n ?? 0), sampleReason: null }];
    }
    const params: unknown[] = [];
    const errorClass = `NULLIF(${quoteIdentifier(c.errorClass)}::text, '')`;
    const reason =
      c.errorMessage === null ? 'NULL::text' : `${quoteIdentifier(c.errorMessage)}::text`;
    const rows = await this.query<{ error_class: string | null; n: string; sample: string | null }>(
      `SELECT ${errorClass} AS error_class, count(*) AS n, max(${reason}) AS sample
         FROM ${sql.table} WHERE ${sql.where(filter, params)}
        GROUP BY 1 ORDER BY n DESC, 1 LIMIT ${Number(limit)}`,
      params,
    );
    return rows.map((row) => ({
      errorClass: row.error_class,
      count: Number(row.n),
      sampleReason: row.sample,
    }));
  }

  private snapshotOf(record: DetailRecord): EntrySnapshot {
    const payload =
      record.payload === null
        ? Buffer.alloc(0)
        : Buffer.isBuffer(record.payload)
          ? record.payload
          : Buffer.from(record.payload, 'utf8');
    const metadata = [{ name: 'table', value: `${this.settings.schema}.${this.settings.table}` }];
    if (record.status !== null) metadata.push({ name: 'status', value: record.status });
    const target = this.settings.defaultTarget;
    return {
      key: record.key,
      row: this.toRow(record),
      stored: payload,
      payload,
      recordKey: null,
      headers: [],
      metadata,
      originalTarget: target === null || target.kind === 'original' ? null : target,
      originLabel: `postgres:${this.settings.schema}.${this.settings.table}/${record.key}`,
      kafka: null,
    };
  }

  async get(key: string): Promise<EntrySnapshot | null> {
    const sql = await this.sql();
    try {
      // The id in its own type, so the primary key answers: `id::text = $1` would scan the
      // table. A key the type cannot hold is refused by the server and means "no such row".
      const rows = await this.query<DetailRecord>(
        `SELECT ${sql.detailColumns} FROM ${sql.table} WHERE ${sql.id} = $1 LIMIT 1`,
        [key],
      );
      return rows[0] ? this.snapshotOf(rows[0]) : null;
    } catch (error) {
      if (error instanceof OutageError) throw error;
      return null;
    }
  }

  async countSelection(selection: Selection): Promise<number> {
    const sql = await this.sql();
    const params: unknown[] = [];
    const where =
      selection.kind === 'filter'
        ? sql.where(selection.filter, params)
        : `${sql.id} = ANY($${params.push([...new Set(selection.keys)])}) AND ${sql.pendingCondition(params)}`;
    const rows = await this.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${sql.table} WHERE ${where}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async *select(selection: Selection, chunkSize: number): AsyncIterable<EntrySnapshot[]> {
    const sql = await this.sql();
    let after: string | null = null;
    for (;;) {
      const params: unknown[] = [];
      let where =
        selection.kind === 'filter'
          ? sql.where(selection.filter, params)
          : `${sql.id} = ANY($${params.push([...new Set(selection.keys)])}) AND ${sql.pendingCondition(params)}`;
      // Keyset paging: the id compares in its own type (PostgreSQL infers the parameter's).
      if (after !== null) where += ` AND ${sql.id} > $${params.push(after)}`;
      const rows: DetailRecord[] = await this.query<DetailRecord>(
        `SELECT ${sql.detailColumns} FROM ${sql.table} WHERE ${where}
          ORDER BY ${sql.id} ASC LIMIT ${Number(chunkSize)}`,
        params,
      );
      if (rows.length === 0) return;
      yield rows.map((row) => this.snapshotOf(row));
      after = rows[rows.length - 1]!.key;
      if (rows.length < chunkSize) return;
    }
  }

  targetProblem(target: ConcreteReplayTarget): string | null {
    if (this.capabilities.replayTargets.includes(target.kind)) return null;
    return 'rows of a PostgreSQL table replay to a table of the same database or to a Redis list';
  }

  replayNotes(requested: ReplayTarget): string[] {
    const target = requested.kind === 'original' ? this.settings.defaultTarget : requested;
    if (target?.kind === 'postgres-table') {
      return target.replayIdColumn === null
        ? [
            'The target table has no replay-id column configured: replay ids stay in the job journal.',
          ]
        : [`Each row carries its replay id in ${target.replayIdColumn}.`];
    }
    return [JSON_MARKS_NOTE];
  }

  deliveryDescription(target: ConcreteReplayTarget): string {
    if (target.kind === 'redis-list') {
      return (
        'One PostgreSQL transaction per batch locks the rows still dead, pushes their payloads ' +
        'with a Lua script that records each push in a per-job marker, then marks or deletes ' +
        'the rows and commits. A batch retried after a crash finds the marker and pushes nothing twice.'
      );
    }
    return (
      'One PostgreSQL transaction per batch inserts the payloads into the target table and marks ' +
      'or deletes the dead-letter rows together: both happen or neither does.'
    );
  }

  move(jobId: string, items: readonly MoveItem[]): Promise<MoveOutcome[]> {
    return this.mover.move(jobId, items);
  }

  finishJob(jobId: string): Promise<void> {
    return this.mover.finishJob(jobId);
  }

  async discard(entries: readonly EntrySnapshot[]): Promise<DiscardOutcome> {
    const sql = await this.sql();
    let discarded = 0;
    for (let i = 0; i < entries.length; i += 1000) {
      const keys = entries.slice(i, i + 1000).map((entry) => entry.key);
      const params: unknown[] = [keys];
      const rows = await this.query<{ key: string }>(
        sql.resolveStatement('discarded', '$1', params),
        params,
      );
      discarded += rows.length;
    }
    return { discarded, missing: entries.length - discarded };
  }

  async probe(): Promise<void> {
    await this.query('SELECT 1', []);
    if (this.mover.usedRedis) {
      try {
        await (await this.deps.redis()).ping();
      } catch (error) {
        throw new OutageError('Redis', describeError(error));
      }
    }
  }
}
