import { useState, type ReactNode } from 'react';
import { ALERT_KINDS, SluiceError, type MonitoringConfig } from '../../../../src-preload/contract';
import { Checkbox } from '../settings/FormFields';
import { useSaveMonitoringConfig } from '../../queries/monitoring';
import {
  emptyRule,
  fromForm,
  toForm,
  type ConfigForm,
  type FormProblem,
  type RuleRow,
} from './configFormModel';

type RowsKey = 'queues' | 'streams' | 'groups' | 'tables' | 'rules';

function TextInput({
  label,
  value,
  onChange,
  placeholder,
  testId,
  width,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  testId?: string;
  width?: 'narrow' | 'wide';
}) {
  return (
    <label className={`config-input config-input-${width ?? 'normal'}`}>
      <span>{label}</span>
      <input
        type="text"
        value={value}
        placeholder={placeholder}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="config-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

const RULE_LABELS: Record<RuleRow['kind'], { target: string; threshold: string; seconds: string }> =
  {
    'queue-depth': {
      target: 'queue (empty: any)',
      threshold: 'depth above',
      seconds: 'for seconds',
    },
    'group-status': { target: 'group (empty: any)', threshold: '', seconds: 'for seconds' },
    'gap-age': {
      target: 'table (empty: any)',
      threshold: 'oldest age above (s)',
      seconds: 'for seconds',
    },
    'dlq-growth': {
      target: 'dead-letter list (empty: any)',
      threshold: 'grew by at least',
      seconds: 'within seconds',
    },
    'source-down': {
      target: 'redis, kafka or postgres (empty: any)',
      threshold: '',
      seconds: 'down for seconds',
    },
  };

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

  const set = <K extends keyof ConfigForm>(key: K, value: ConfigForm[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  const setRow = <K extends RowsKey>(
    key: K,
    index: number,
    patch: Partial<ConfigForm[K][number]>,
  ) =>
    setForm((current) => ({
      ...current,
      [key]: current[key].map((row, i) => (i === index ? { ...row, ...patch } : row)),
    }));
  const addRow = <K extends RowsKey>(key: K, row: ConfigForm[K][number]) =>
    setForm((current) => ({ ...current, [key]: [...current[key], row] }));
  const removeRow = (key: RowsKey, index: number) =>
    setForm((current) => ({ ...current, [key]: current[key].filter((_, i) => i !== index) }));

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
  const remover = (key: RowsKey, index: number) => (
    <button
      type="button"
      className="button button-small"
      onClick={() => removeRow(key, index)}
      aria-label="Remove"
    >
      Remove
    </button>
  );

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

      <Section title="Polling">
        <div className="config-row">
          <TextInput
            label="poll every (s)"
            value={form.pollSeconds}
            onChange={(v) => set('pollSeconds', v)}
            width="narrow"
            testId="config-poll"
          />
          <TextInput
            label="timeout per poll (s)"
            value={form.timeoutSeconds}
            onChange={(v) => set('timeoutSeconds', v)}
            width="narrow"
          />
          <TextInput
            label="window (samples)"
            value={form.windowSize}
            onChange={(v) => set('windowSize', v)}
            width="narrow"
          />
          <TextInput
            label="allowed lag"
            value={form.allowedLag}
            onChange={(v) => set('allowedLag', v)}
            width="narrow"
          />
        </div>
      </Section>

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
        {form.queues.map((queue, i) => (
          <div className="config-row" key={i}>
            <TextInput
              label="list"
              value={queue.key}
              onChange={(v) => setRow('queues', i, { key: v })}
              testId={`config-queue-${i}`}
            />
            <TextInput
              label="dead-letter list"
              value={queue.deadLetterKey}
              onChange={(v) => setRow('queues', i, { deadLetterKey: v })}
              testId={`config-dlq-${i}`}
            />
            <TextInput
              label="counter hash"
              value={queue.countersHash}
              onChange={(v) => setRow('queues', i, { countersHash: v })}
              placeholder="optional"
            />
            <TextInput
              label="in field"
              value={queue.inField}
              onChange={(v) => setRow('queues', i, { inField: v })}
              width="narrow"
            />
            <TextInput
              label="out field"
              value={queue.outField}
              onChange={(v) => setRow('queues', i, { outField: v })}
              width="narrow"
              placeholder="optional"
            />
            {remover('queues', i)}
          </div>
        ))}
        {form.streams.map((stream, i) => (
          <div className="config-row" key={i}>
            <TextInput
              label="stream"
              value={stream.key}
              onChange={(v) => setRow('streams', i, { key: v })}
            />
            <TextInput
              label="groups (empty: all)"
              value={stream.groups}
              onChange={(v) => setRow('streams', i, { groups: v })}
              width="wide"
            />
            {remover('streams', i)}
          </div>
        ))}
        <div className="config-row">
          <button
            type="button"
            className="button button-small"
            onClick={() =>
              addRow('queues', {
                key: '',
                deadLetterKey: '',
                countersHash: '',
                inField: '',
                outField: '',
              })
            }
            data-testid="config-add-queue"
          >
            Add queue
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => addRow('streams', { key: '', groups: '' })}
          >
            Add stream
          </button>
        </div>
        <p className="field-hint">
          With an in counter (a hash field the producer increments), the in rate is exact and the
          out rate is in minus the depth change. Without, both come from depth changes and are lower
          bounds.
        </p>
      </Section>

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
        {form.groups.map((group, i) => (
          <div className="config-row" key={i}>
            <TextInput
              label="group"
              value={group.groupId}
              onChange={(v) => setRow('groups', i, { groupId: v })}
              testId={`config-group-${i}`}
            />
            <TextInput
              label="its topics (empty: watched topics)"
              value={group.topics}
              onChange={(v) => setRow('groups', i, { topics: v })}
              width="wide"
            />
            {remover('groups', i)}
          </div>
        ))}
        <button
          type="button"
          className="button button-small"
          onClick={() => addRow('groups', { groupId: '', topics: '' })}
          data-testid="config-add-group"
        >
          Add group
        </button>
      </Section>

      <Section title="PostgreSQL sync gaps">
        <div className="config-row">
          <Checkbox
            label="watch PostgreSQL"
            checked={form.postgresEnabled}
            onChange={(v) => set('postgresEnabled', v)}
          />
          <TextInput
            label="own interval (s)"
            value={form.postgresSeconds}
            onChange={(v) => set('postgresSeconds', v)}
            width="narrow"
          />
        </div>
        {form.tables.map((table, i) => (
          <div className="config-row" key={i}>
            <TextInput
              label="table"
              value={table.table}
              onChange={(v) => setRow('tables', i, { table: v })}
              testId={`config-table-${i}`}
            />
            <TextInput
              label="updated-at column"
              value={table.updatedAtColumn}
              onChange={(v) => setRow('tables', i, { updatedAtColumn: v })}
            />
            <TextInput
              label="synced-at column"
              value={table.syncedAtColumn}
              onChange={(v) => setRow('tables', i, { syncedAtColumn: v })}
            />
            <TextInput
              label="filter (optional)"
              value={table.filter}
              onChange={(v) => setRow('tables', i, { filter: v })}
              width="wide"
            />
            {remover('tables', i)}
          </div>
        ))}
        <button
          type="button"
          className="button button-small"
          onClick={() =>
            addRow('tables', {
              table: '',
              updatedAtColumn: 'updated_at',
              syncedAtColumn: 'synced_at',
              filter: '',
            })
          }
          data-testid="config-add-table"
        >
          Add table
        </button>
      </Section>

      <Section title="Alert rules">
        {form.rules.map((rule, i) => {
          const labels = RULE_LABELS[rule.kind];
          return (
            <div className="config-row" key={i} data-testid={`config-rule-${i}`}>
              <Checkbox
                label="on"
                checked={rule.enabled}
                onChange={(v) => setRow('rules', i, { enabled: v })}
              />
              <span className="config-rule-kind">{rule.kind}</span>
              <TextInput
                label={labels.target}
                value={rule.target}
                onChange={(v) => setRow('rules', i, { target: v })}
              />
              {labels.threshold ? (
                <TextInput
                  label={labels.threshold}
                  value={rule.threshold}
                  onChange={(v) => setRow('rules', i, { threshold: v })}
                  width="narrow"
                />
              ) : null}
              {rule.kind === 'group-status' ? (
                <label className="config-input config-input-narrow">
                  <span>at or above</span>
                  <select
                    value={rule.atLeast}
                    onChange={(event) =>
                      setRow('rules', i, { atLeast: event.target.value as RuleRow['atLeast'] })
                    }
                  >
                    {(['WARN', 'REWIND', 'STALL', 'STOP'] as const).map((status) => (
                      <option key={status}>{status}</option>
                    ))}
                  </select>
                </label>
              ) : null}
              <TextInput
                label={labels.seconds}
                value={rule.seconds}
                onChange={(v) => setRow('rules', i, { seconds: v })}
                width="narrow"
              />
              {remover('rules', i)}
            </div>
          );
        })}
        <div className="config-row">
          {ALERT_KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              className="button button-small"
              onClick={() => addRow('rules', emptyRule(kind))}
              data-testid={`config-add-rule-${kind}`}
            >
              + {kind}
            </button>
          ))}
        </div>
      </Section>

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
