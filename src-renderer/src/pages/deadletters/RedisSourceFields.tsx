import { Field, type SourceFieldsProps } from './fields';
import { ENVELOPE_FIELDS } from './sourceFormModel';

/** A Redis list source: its key, entry format, push side, default target and envelope fields. */
export function RedisSourceFields({ state, set }: SourceFieldsProps) {
  return (
    <>
      <div className="field-row">
        <Field label="List key">
          <input
            value={state.redisKey}
            onChange={(e) => set('redisKey', e.target.value)}
            data-testid="dl-source-key"
          />
        </Field>
        <Field label="Entries are">
          <select
            value={state.format}
            onChange={(e) => set('format', e.target.value as 'envelope' | 'raw')}
          >
            <option value="envelope">JSON envelopes with failure details</option>
            <option value="raw">raw payloads</option>
          </select>
        </Field>
      </div>
      <div className="field-row">
        <Field label="New dead letters are pushed at the">
          <select
            value={state.pushSide}
            onChange={(e) => set('pushSide', e.target.value as 'head' | 'tail')}
          >
            <option value="head">head (LPUSH)</option>
            <option value="tail">tail (RPUSH)</option>
          </select>
        </Field>
        <Field
          label="Default target list"
          hint="Where replays go when an entry names no source queue."
        >
          <input
            value={state.defaultTargetKey}
            onChange={(e) => set('defaultTargetKey', e.target.value)}
          />
        </Field>
      </div>
      {state.format === 'envelope' ? (
        <details className="dl-details">
          <summary>Envelope fields and replay marks</summary>
          <div className="dl-grid">
            {ENVELOPE_FIELDS.map((field) => (
              <Field key={field.name} label={field.label}>
                <input
                  value={state.fields[field.name] ?? ''}
                  onChange={(e) => set('fields', { ...state.fields, [field.name]: e.target.value })}
                />
              </Field>
            ))}
          </div>
          <Field
            label="Replay marks"
            hint="JSON-object payloads can carry x-sluice-replay-id and x-sluice-origin members; other payloads always go byte for byte."
          >
            <select
              value={state.replayMarking}
              onChange={(e) => set('replayMarking', e.target.value as 'json-fields' | 'none')}
            >
              <option value="json-fields">add to JSON objects</option>
              <option value="none">never (byte for byte; the id stays in the job journal)</option>
            </select>
          </Field>
        </details>
      ) : null}
    </>
  );
}
