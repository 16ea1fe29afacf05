import type { Redis } from 'ioredis';
import type pg from 'pg';
import { SluiceError, type ConcreteReplayTarget } from '@shared/contract';
import { inTransaction } from '@shared/pg/inTransaction';
import { OutageError, describeError, isRedisOutage } from '../faults';
import { qualifiedTable, quoteIdentifier } from '../pgIdentifiers';
import type { MoveItem, MoveOutcome } from '../source';
import {
  onPostgres,
  payloadTypeOf,
  tableColumns,
  type DeadLetterTableSql,
  type PayloadType,
} from './postgresSql';
import { chunkByBytes } from './redisSource';
import { MARKER_TTL_SECONDS, markerKey, scripts } from './redisScripts';

interface TargetTable {
  sql: string;
  payloadType: PayloadType;
}

export interface PostgresMoverDeps {
  sql(): Promise<DeadLetterTableSql>;
  pool(): Promise<pg.Pool>;
  redis(): Promise<Redis>;
}

/**
 * Moves rows of a dead-letter table: one transaction per batch that delivers
 * (into a table of the same database, or a Redis list through a per-job
 * marker) and marks or deletes the rows together.
 */
export class PostgresMover {
  private readonly targets = new Map<string, Promise<TargetTable>>();
  /** A move went to Redis: probes and clean-up include it. */
  usedRedis = false;

  constructor(private readonly deps: PostgresMoverDeps) {}

  private async targetTable(
    client: pg.PoolClient,
    target: Extract<ConcreteReplayTarget, { kind: 'postgres-table' }>,
  ): Promise<TargetTable> {
    const id = JSON.stringify(target);
    let ready = this.targets.get(id);
    if (!ready) {
      ready = (async () => {
        const columns = await tableColumns(client, target.schema, target.table);
        if (columns === null) {
          throw new SluiceError(
            'NOT_FOUND',
            `table ${target.schema}.${target.table} does not exist`,
          );
        }
        for (const name of [target.payloadColumn, target.replayIdColumn, target.originColumn]) {
          if (name !== null && !columns.has(name)) {
            throw new SluiceError('INVALID_INPUT', `table ${target.table} has no column "${name}"`);
          }
        }
        const payloadType = payloadTypeOf(columns.get(target.payloadColumn) ?? '');
        if (payloadType === null) {
          throw new SluiceError(
            'INVALID_INPUT',
            'the target payload column must be text, varchar, json, jsonb or bytea',
          );
        }
        const names = [target.payloadColumn, target.replayIdColumn, target.originColumn];
        const arrayType = payloadType === 'bytea' ? 'bytea[]' : 'text[]';
        const cast = payloadType === 'json' || payloadType === 'jsonb' ? `::${payloadType}` : '';
        const insertColumns = names.filter((n): n is string => n !== null).map(quoteIdentifier);
        const selected = [`u.payload${cast}`];
        if (target.replayIdColumn !== null) selected.push('u.replay_id');
        if (target.originColumn !== null) selected.push('u.origin');
        return {
          payloadType,
          sql: `INSERT INTO ${qualifiedTable(target.schema, target.table)} (${insertColumns.join(', ')})
                SELECT ${selected.join(', ')}
                  FROM unnest($1::${arrayType}, $2::text[], $3::text[]) AS u(payload, replay_id, origin)`,
        };
      })();
      this.targets.set(id, ready);
      ready.catch(() => this.targets.delete(id));
    }
    return ready;
  }

  async move(jobId: string, items: readonly MoveItem[]): Promise<MoveOutcome[]> {
    const outcomes = new Map<number, MoveOutcome>();
    for (const chunk of chunkByBytes(items, (item) => item.payload.length)) {
      try {
        await this.moveInTransaction(jobId, chunk, outcomes);
      } catch (error) {
        // A Redis push cannot be rolled back with the transaction: anything
        // going wrong after it stops the job; the per-job marker makes the
        // retry push nothing twice.
        const pushed = chunk.some((item) => item.target.kind === 'redis-list');
        if (error instanceof OutageError || error instanceof SluiceError || pushed) throw error;
        // One row the target refuses fails the whole transaction: move the rest one by one.
        for (const item of chunk) {
          try {
            if (chunk.length === 1) throw error;
            await this.moveInTransaction(jobId, [item], outcomes);
          } catch (single) {
            if (single instanceof OutageError || single instanceof SluiceError) throw single;
            outcomes.set(item.step, { state: 'failed', detail: describeError(single) });
          }
        }
      }
    }
    return items.map((item) => outcomes.get(item.step) ?? { state: 'failed', detail: 'not moved' });
  }

  private async moveInTransaction(
    jobId: string,
    items: readonly MoveItem[],
    outcomes: Map<number, MoveOutcome>,
  ): Promise<void> {
    const sql = await this.deps.sql();
    const pool = await onPostgres(() => this.deps.pool());
    const delivered = await onPostgres(() =>
      inTransaction(pool, async (client) => {
        const ids = items.map((item) => item.key);
        const moved = new Set<string>();
        const redisItems = items.filter((item) => item.target.kind === 'redis-list');
        const tableItems = items.filter((item) => item.target.kind === 'postgres-table');
        if (redisItems.length > 0) {
          // Lock the rows still dead before pushing, so nobody resolves them meanwhile.
          const params: unknown[] = [redisItems.map((item) => item.key)];
          const locked = await onPostgres(() =>
            client.query<{ key: string }>(
              `SELECT ${sql.id}::text AS key FROM ${sql.table}
                WHERE ${sql.id} = ANY($1) AND ${sql.pendingCondition(params)} FOR UPDATE`,
              params,
            ),
          );
          const stillDead = new Set(locked.rows.map((row) => row.key));
          await this.pushOnce(
            jobId,
            redisItems.filter((item) => stillDead.has(item.key)),
          );
        }
        const params: unknown[] = [ids];
        const resolved = await onPostgres(() =>
          client.query<{ key: string }>(sql.resolveStatement('replayed', '$1', params), params),
        );
        for (const row of resolved.rows) moved.add(row.key);
        const byTarget = new Map<string, MoveItem[]>();
        for (const item of tableItems) {
          if (!moved.has(item.key)) continue;
          const id = JSON.stringify(item.target);
          byTarget.set(id, [...(byTarget.get(id) ?? []), item]);
        }
        for (const group of byTarget.values()) {
          const target = group[0]!.target as Extract<
            ConcreteReplayTarget,
            { kind: 'postgres-table' }
          >;
          const table = await onPostgres(() => this.targetTable(client, target));
          await onPostgres(() =>
            client.query(table.sql, [
              group.map((item) =>
                table.payloadType === 'bytea' ? item.payload : item.payload.toString('utf8'),
              ),
              group.map((item) => item.replayId),
              group.map((item) => item.origin),
            ]),
          );
        }
        return moved;
      }),
    );
    for (const item of items) {
      outcomes.set(item.step, delivered.has(item.key) ? { state: 'delivered' } : { state: 'gone' });
    }
  }

  private async pushOnce(jobId: string, items: readonly MoveItem[]): Promise<void> {
    if (items.length === 0) return;
    this.usedRedis = true;
    let client: Redis;
    try {
      client = await this.deps.redis();
    } catch (error) {
      if (error instanceof SluiceError) throw error;
      throw new OutageError('Redis', describeError(error));
    }
    const targets: string[] = [];
    const args: (string | Buffer | number)[] = [MARKER_TTL_SECONDS];
    for (const item of items) {
      if (item.target.kind !== 'redis-list') continue;
      let index = targets.indexOf(item.target.key);
      if (index < 0) index = targets.push(item.target.key) - 1;
      args.push(item.step, item.payload, `${item.target.side === 'tail' ? 'R' : 'L'}${index + 2}`);
    }
    const keys = [markerKey(jobId), ...targets];
    try {
      await scripts(client).sluiceDeliverOnce(keys.length, ...keys, ...args);
    } catch (error) {
      if (isRedisOutage(error)) throw new OutageError('Redis', describeError(error));
      throw error;
    }
  }

  async finishJob(jobId: string): Promise<void> {
    if (!this.usedRedis) return;
    const client = await this.deps.redis();
    await client.del(markerKey(jobId));
  }
}
