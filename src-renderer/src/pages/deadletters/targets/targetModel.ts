import type { ConcreteReplayTargetKind, ReplayTarget, ReplayTargetInput } from '@shared/contract';

/**
 * Replay TARGET kinds in the renderer: where a replay writes to, not the kind
 * of the source it reads from (the source view's capabilities say which
 * targets a source allows). The one renderer folder that looks at a target's
 * kind: its label, its fields and the target input they make.
 */

export const TARGET_LABELS: Record<ConcreteReplayTargetKind, string> = {
  'redis-list': 'a Redis list',
  'kafka-topic': 'a Kafka topic',
  'postgres-table': 'a table of this database',
};

export type TargetChoice = ReplayTargetInput['kind'];

/** The replay dialog's target fields, as typed. */
export interface TargetFieldsState {
  key: string;
  side: 'head' | 'tail';
  topic: string;
  table: string;
  payloadColumn: string;
}

export function emptyTargetFields(): TargetFieldsState {
  return { key: '', side: 'head', topic: '', table: '', payloadColumn: 'payload' };
}

export function replayTargetInput(
  kind: TargetChoice,
  fields: TargetFieldsState,
): ReplayTargetInput {
  switch (kind) {
    case 'redis-list':
      return { kind, key: fields.key.trim(), side: fields.side };
    case 'kafka-topic':
      return { kind, topic: fields.topic.trim() };
    case 'postgres-table':
      return { kind, table: fields.table.trim(), payloadColumn: fields.payloadColumn.trim() };
    case 'original':
      return { kind: 'original' };
  }
}

/** A PostgreSQL source's default target, as the source form holds it. */
export interface DefaultTargetForm {
  targetKind: 'none' | 'postgres-table' | 'redis-list';
  targetTable: string;
  targetPayloadColumn: string;
  targetReplayIdColumn: string;
  targetOriginColumn: string;
  targetRedisKey: string;
}

const text = (value: string | null | undefined) => value ?? '';
const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

export function defaultTargetIntoForm(target: ReplayTarget | null, form: DefaultTargetForm): void {
  if (target?.kind === 'postgres-table') {
    form.targetKind = 'postgres-table';
    form.targetTable = target.table;
    form.targetPayloadColumn = target.payloadColumn;
    form.targetReplayIdColumn = text(target.replayIdColumn);
    form.targetOriginColumn = text(target.originColumn);
  } else if (target?.kind === 'redis-list') {
    form.targetKind = 'redis-list';
    form.targetRedisKey = target.key;
  }
}

/** The default target input; a table target lives in the source's own schema. */
export function defaultTargetFromForm(
  form: DefaultTargetForm,
  schema: string,
): ReplayTargetInput | null {
  switch (form.targetKind) {
    case 'postgres-table':
      return {
        kind: 'postgres-table',
        schema,
        table: form.targetTable.trim(),
        payloadColumn: form.targetPayloadColumn.trim(),
        replayIdColumn: orNull(form.targetReplayIdColumn),
        originColumn: orNull(form.targetOriginColumn),
      };
    case 'redis-list':
      return { kind: 'redis-list', key: form.targetRedisKey.trim() };
    case 'none':
      return null;
  }
}
