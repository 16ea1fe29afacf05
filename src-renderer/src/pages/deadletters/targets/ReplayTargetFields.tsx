import { Field } from '../fields';
import type { DefaultTargetForm, TargetChoice, TargetFieldsState } from './targetModel';

/** The fields of the target kind chosen in the replay dialog ("original" has none). */
export function ReplayTargetFields({
  kind,
  fields,
  onChange,
}: {
  kind: TargetChoice;
  fields: TargetFieldsState;
  onChange: (next: TargetFieldsState) => void;
}) {
  const set = <K extends keyof TargetFieldsState>(key: K, value: TargetFieldsState[K]) =>
    onChange({ ...fields, [key]: value });
  switch (kind) {
    case 'redis-list':
      return (
        <>
          <Field label="List key">
            <input
              value={fields.key}
              onChange={(e) => set('key', e.target.value)}
              data-testid="dl-replay-key"
            />
          </Field>
          <Field label="Push at the">
            <select
              value={fields.side}
              onChange={(e) => set('side', e.target.value as 'head' | 'tail')}
            >
              <option value="head">head (LPUSH)</option>
              <option value="tail">tail (RPUSH)</option>
            </select>
          </Field>
        </>
      );
    case 'kafka-topic':
      return (
        <Field label="Topic">
          <input value={fields.topic} onChange={(e) => set('topic', e.target.value)} />
        </Field>
      );
    case 'postgres-table':
      return (
        <>
          <Field label="Table">
            <input value={fields.table} onChange={(e) => set('table', e.target.value)} />
          </Field>
          <Field label="Payload column">
            <input
              value={fields.payloadColumn}
              onChange={(e) => set('payloadColumn', e.target.value)}
            />
          </Field>
        </>
      );
    case 'original':
      return null;
  }
}

/** A PostgreSQL source's default replay target: none, a table of its database or a Redis list. */
export function DefaultTargetFields({
  form,
  set,
}: {
  form: DefaultTargetForm;
  set: <K extends keyof DefaultTargetForm>(key: K, value: DefaultTargetForm[K]) => void;
}) {
  return (
    <div className="field-row">
      <Field label="Default replay target">
        <select
          value={form.targetKind}
          onChange={(e) => set('targetKind', e.target.value as DefaultTargetForm['targetKind'])}
        >
          <option value="none">none (choose per replay)</option>
          <option value="postgres-table">a table of this database</option>
          <option value="redis-list">a Redis list</option>
        </select>
      </Field>
      {form.targetKind === 'postgres-table' ? (
        <>
          <Field label="Target table">
            <input value={form.targetTable} onChange={(e) => set('targetTable', e.target.value)} />
          </Field>
          <Field label="Payload column">
            <input
              value={form.targetPayloadColumn}
              onChange={(e) => set('targetPayloadColumn', e.target.value)}
            />
          </Field>
          <Field label="Replay id column">
            <input
              value={form.targetReplayIdColumn}
              onChange={(e) => set('targetReplayIdColumn', e.target.value)}
            />
          </Field>
          <Field label="Origin column">
            <input
              value={form.targetOriginColumn}
              onChange={(e) => set('targetOriginColumn', e.target.value)}
            />
          </Field>
        </>
      ) : null}
      {form.targetKind === 'redis-list' ? (
        <Field label="Target list key">
          <input
            value={form.targetRedisKey}
            onChange={(e) => set('targetRedisKey', e.target.value)}
          />
        </Field>
      ) : null}
    </div>
  );
}
