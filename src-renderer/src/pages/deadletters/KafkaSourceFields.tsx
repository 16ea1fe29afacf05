import { KafkaCatalogStatus } from '../../components/kafkaPicker/KafkaCatalogStatus';
import { KafkaNameInput } from '../../components/kafkaPicker/KafkaNameInput';
import { PickerField, type SourceFieldsProps } from './fields';

/** A Kafka topic source: its topic and default target, offered from the cluster's catalog. */
export function KafkaSourceFields({ state, set, topics }: SourceFieldsProps) {
  const { catalog, checks, query, kafkaConfigured } = topics;
  return (
    <>
      <div className="field-row">
        <PickerField label="Topic">
          {(id) => (
            <KafkaNameInput
              id={id}
              kind="topic"
              value={state.topic}
              onChange={(v) => set('topic', v)}
              catalog={catalog}
              problem={checks.topic ? { message: checks.topic, severity: 'error' } : null}
              testId="dl-source-topic"
            />
          )}
        </PickerField>
        <PickerField
          label="Default target topic"
          hint="When a record names no original topic in its headers."
        >
          {(id) => (
            <KafkaNameInput
              id={id}
              kind="topic"
              value={state.defaultTargetTopic}
              onChange={(v) => set('defaultTargetTopic', v)}
              catalog={catalog}
              problem={
                checks.defaultTargetTopic
                  ? { message: checks.defaultTargetTopic, severity: 'warning' }
                  : null
              }
              testId="dl-source-target-topic"
            />
          )}
        </PickerField>
      </div>
      {kafkaConfigured !== undefined ? (
        <KafkaCatalogStatus
          kafkaConfigured={kafkaConfigured}
          catalog={catalog}
          loading={query.isLoading}
          fetching={query.isFetching}
          error={query.error}
          onRefresh={() => void query.refetch()}
          testId="dl-source-catalog"
        />
      ) : null}
    </>
  );
}
