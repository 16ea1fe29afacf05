import { Checkbox } from '../settings/FormFields';
import { AddButton, Section, TextInput, type SectionProps } from './ConfigFields';
import { EditableList } from './EditableList';

export function KafkaSection({ form, set, update }: SectionProps) {
  return (
    <Section title="Kafka consumer groups">
      <div className="config-row">
        <Checkbox
          label="watch Kafka"
          checked={form.kafkaEnabled}
          onChange={(v) => set('kafkaEnabled', v)}
        />
        <Checkbox
          label="find groups on the broker"
          checked={form.discoverGroups}
          onChange={(v) => set('discoverGroups', v)}
        />
        <TextInput
          label="own interval (s)"
          value={form.kafkaSeconds}
          onChange={(v) => set('kafkaSeconds', v)}
          width="narrow"
        />
      </div>
      <div className="config-row">
        <TextInput
          label="watched topics"
          value={form.topics}
          onChange={(v) => set('topics', v)}
          width="wide"
          testId="config-topics"
        />
      </div>
      <EditableList rows={form.groups} onChange={(change) => update('groups', change)}>
        {(group, patch, i) => (
          <>
            <TextInput
              label="group"
              value={group.groupId}
              onChange={(v) => patch({ groupId: v })}
              testId={`config-group-${i}`}
            />
            <TextInput
              label="its topics (empty: watched topics)"
              value={group.topics}
              onChange={(v) => patch({ topics: v })}
              width="wide"
            />
          </>
        )}
      </EditableList>
      <AddButton
        onClick={() => update('groups', (groups) => [...groups, { groupId: '', topics: '' }])}
        testId="config-add-group"
      >
        Add group
      </AddButton>
    </Section>
  );
}
