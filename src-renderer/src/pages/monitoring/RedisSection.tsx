import { Checkbox } from '../settings/FormFields';
import { AddButton, Section, TextInput, type SectionProps } from './ConfigFields';
import { EditableList } from './EditableList';

export function RedisSection({ form, set, update }: SectionProps) {
  return (
    <Section title="Redis queues and streams">
      <div className="config-row">
        <Checkbox
          label="watch Redis"
          checked={form.redisEnabled}
          onChange={(v) => set('redisEnabled', v)}
        />
        <TextInput
          label="own interval (s, empty: default)"
          value={form.redisSeconds}
          onChange={(v) => set('redisSeconds', v)}
          width="narrow"
        />
      </div>
      <EditableList rows={form.queues} onChange={(change) => update('queues', change)}>
        {(queue, patch, i) => (
          <>
            <TextInput
              label="list"
              value={queue.key}
              onChange={(v) => patch({ key: v })}
              testId={`config-queue-${i}`}
            />
            <TextInput
              label="dead-letter list"
              value={queue.deadLetterKey}
              onChange={(v) => patch({ deadLetterKey: v })}
              testId={`config-dlq-${i}`}
            />
            <TextInput
              label="counter hash"
              value={queue.countersHash}
              onChange={(v) => patch({ countersHash: v })}
              placeholder="optional"
            />
            <TextInput
              label="in field"
              value={queue.inField}
              onChange={(v) => patch({ inField: v })}
              width="narrow"
            />
            <TextInput
              label="out field"
              value={queue.outField}
              onChange={(v) => patch({ outField: v })}
              width="narrow"
              placeholder="optional"
            />
          </>
        )}
      </EditableList>
      <EditableList rows={form.streams} onChange={(change) => update('streams', change)}>
        {(stream, patch) => (
          <>
            <TextInput label="stream" value={stream.key} onChange={(v) => patch({ key: v })} />
            <TextInput
              label="groups (empty: all)"
              value={stream.groups}
              onChange={(v) => patch({ groups: v })}
              width="wide"
            />
          </>
        )}
      </EditableList>
      <div className="config-row">
        <AddButton
          onClick={() =>
            update('queues', (queues) => [
              ...queues,
              { key: '', deadLetterKey: '', countersHash: '', inField: '', outField: '' },
            ])
          }
          testId="config-add-queue"
        >
          Add queue
        </AddButton>
        <AddButton
          onClick={() => update('streams', (streams) => [...streams, { key: '', groups: '' }])}
        >
          Add stream
        </AddButton>
      </div>
      <p className="field-hint">
        With an in counter (a hash field the producer increments), the in rate is exact and the out
        rate is in minus the depth change. Without, both come from depth changes and are lower
        bounds.
      </p>
    </Section>
  );
}
