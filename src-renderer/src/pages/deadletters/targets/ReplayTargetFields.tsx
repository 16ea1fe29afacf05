import { Field, TextField } from '../fields';
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
        <TextField label="Topic" value={fields.topic} onChange={(text) => set('topic', text)} />
      );
    case 'postgres-table':
      return (
        <>
          <TextField label="Table" value={fields.table} onChange={(text) => set('table', text)} />
          <TextField
            label="Payload column"
            value={fields.payloadColumn}
            onChange={(text) => set('payloadColumn', text)}
          />
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
          <TextField
            label="Target table"
            value={form.targetTable}
            onChange={(text) => set('targetTable', text)}
          />
          <TextField
            label="Payload column"
            value={form.targetPayloadColumn}
            onChange={(text) => set('targetPayloadColumn', text)}
          />
          <TextField
            label="Replay id column"
            value={form.targetReplayIdColumn}
            onChange={(text) => set('targetReplayIdColumn', text)}
          />
          <TextField
            label="Origin column"
            value={form.targetOriginColumn}
            onChange={(text) => set('targetOriginColumn', text)}
          />
        </>
      ) : null}
      {form.targetKind === 'redis-list' ? (
        <TextField
          label="Target list key"
          value={form.targetRedisKey}
          onChange={(text) => set('targetRedisKey', text)}
        />
      ) : null}
    </div>
  );
}
