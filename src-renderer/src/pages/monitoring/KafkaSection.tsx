import { useSelectedEnvironment } from '../../app/SelectedEnvironment';
import { KafkaCatalogStatus } from '../../components/kafkaPicker/KafkaCatalogStatus';
import { KafkaNameInput, type PickerProblem } from '../../components/kafkaPicker/KafkaNameInput';
import { useKafkaCatalog } from '../../queries/kafkaCatalog';
import { Checkbox } from '../settings/FormFields';
import { AddButton, PickerInput, Section, TextInput, type SectionProps } from './ConfigFields';
import { EditableList } from './EditableList';
import { kafkaNameWarnings } from './configFormModel';

const warning = (message: string | null): PickerProblem | null =>
  message === null ? null : { message, severity: 'warning' };

export function KafkaSection({ form, set, update }: SectionProps) {
  // The form edits the selected environment's monitoring (MonitoringFrame keys it by that id).
  const { environment } = useSelectedEnvironment();
  const kafkaConfigured = environment !== null && environment.kafka !== null;
  const catalogQuery = useKafkaCatalog(
    environment?.id ?? null,
    environment?.updatedAt ?? '',
    kafkaConfigured,
  );
  // After a failed refresh the last listing may be out of date: check nothing rather than wrongly.
  const catalog = catalogQuery.isError ? undefined : catalogQuery.data;
  const warnings = kafkaNameWarnings(form, catalog);
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
        <PickerInput label="watched topics" width="wide">
          {(id) => (
            <KafkaNameInput
              id={id}
              kind="topic"
              multiple
              value={form.topics}
              onChange={(v) => set('topics', v)}
              catalog={catalog}
              problem={warning(warnings.topics)}
              testId="config-topics"
            />
          )}
        </PickerInput>
      </div>
      <EditableList rows={form.groups} onChange={(change) => update('groups', change)}>
        {(group, patch, i) => (
          <>
            <PickerInput label="group">
              {(id) => (
                <KafkaNameInput
                  id={id}
                  kind="group"
                  value={group.groupId}
                  onChange={(v) => patch({ groupId: v })}
                  catalog={catalog}
                  problem={warning(warnings.groups[i]?.groupId ?? null)}
                  testId={`config-group-${i}`}
                />
              )}
            </PickerInput>
            <PickerInput label="its topics (empty: watched topics)" width="wide">
              {(id) => (
                <KafkaNameInput
                  id={id}
                  kind="topic"
                  multiple
                  value={group.topics}
                  onChange={(v) => patch({ topics: v })}
                  catalog={catalog}
                  problem={warning(warnings.groups[i]?.topics ?? null)}
                  testId={`config-group-topics-${i}`}
                />
              )}
            </PickerInput>
          </>
        )}
      </EditableList>
      <AddButton
        onClick={() => update('groups', (groups) => [...groups, { groupId: '', topics: '' }])}
        testId="config-add-group"
      >
        Add group
      </AddButton>
      <KafkaCatalogStatus
        kafkaConfigured={kafkaConfigured}
        catalog={catalog}
        loading={catalogQuery.isLoading}
        fetching={catalogQuery.isFetching}
        error={catalogQuery.error}
        onRefresh={() => void catalogQuery.refetch()}
        testId="config-kafka-catalog"
      />
    </Section>
  );
}
