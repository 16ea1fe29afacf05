import { useState } from 'react';
import { SluiceError, type MonitoringConfig } from '@shared/contract';
import { useSaveMonitoringConfig } from '../../queries/monitoring';
import { AlertRulesSection } from './AlertRulesSection';
import type { SectionProps } from './ConfigFields';
import { KafkaSection } from './KafkaSection';
import { PollingSection } from './PollingSection';
import { PostgresSection } from './PostgresSection';
import { RedisSection } from './RedisSection';
import { fromForm, toForm, type ConfigForm, type FormProblem } from './configFormModel';

/**
 * What one environment's monitors watch and when they alert. Checked with the
 * contract's schema before sending; the core checks again and says which
 * field is wrong.
 */
export function MonitoringConfigForm({
  environmentId,
  environmentName,
  config,
  onDone,
}: {
  environmentId: string;
  environmentName: string;
  config: MonitoringConfig | null;
  onDone: () => void;
}) {
  const [form, setForm] = useState<ConfigForm>(() => toForm(config));
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const save = useSaveMonitoringConfig(
    (error) => error instanceof SluiceError && error.code === 'INVALID_INPUT',
  );

  const set: SectionProps['set'] = (key, value) =>
    setForm((current) => ({ ...current, [key]: value }));
  const update: SectionProps['update'] = (key, change) =>
    setForm((current) => ({ ...current, [key]: change(current[key]) }));
  const sections: SectionProps = { form, set, update };

  const submit = () => {
    const result = fromForm(form);
    if ('problems' in result) {
      setProblems(result.problems);
      return;
    }
    setProblems([]);
    save.mutate(
      { environmentId, config: result.config },
      {
        onSuccess: onDone,
        onError: (error) => {
          if (error instanceof SluiceError && error.code === 'INVALID_INPUT') {
            const issues = (
              error.details as { issues?: { path: string[]; message: string }[] } | undefined
            )?.issues;
            setProblems(
              issues?.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) ?? [
                { path: '', message: error.message },
              ],
            );
          }
        },
      },
    );
  };

  const remove = () => save.mutate({ environmentId, config: null }, { onSuccess: onDone });

  return (
    <form
      className="monitoring-config card"
      data-testid="monitoring-config-form"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <h2>Monitoring of {environmentName}</h2>
      {problems.length > 0 ? (
        <div className="error-panel" role="alert" data-testid="monitoring-config-problems">
          {problems.map((problem, index) => (
            <div key={index}>
              {problem.path ? <code>{problem.path}</code> : null} {problem.message}
            </div>
          ))}
        </div>
      ) : null}

      <PollingSection {...sections} />
      <RedisSection {...sections} />
      <KafkaSection {...sections} />
      <PostgresSection {...sections} />
      <AlertRulesSection {...sections} />

      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={save.isPending}
          data-testid="monitoring-config-save"
        >
          {save.isPending ? 'Saving…' : 'Save and restart monitors'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        {config ? (
          <button
            type="button"
            className="button button-danger"
            onClick={remove}
            disabled={save.isPending}
          >
            Stop monitoring this environment
          </button>
        ) : null}
      </div>
    </form>
  );
}
