import { ALERT_KINDS } from '@shared/contract';
import { Checkbox } from '../settings/FormFields';
import { AddButton, Section, TextInput, type SectionProps } from './ConfigFields';
import { EditableList } from './EditableList';
import { emptyRule, type RuleRow } from './configFormModel';

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

export function AlertRulesSection({ form, update }: SectionProps) {
  return (
    <Section title="Alert rules">
      <EditableList
        rows={form.rules}
        onChange={(change) => update('rules', change)}
        rowTestId={(i) => `config-rule-${i}`}
      >
        {(rule, patch) => {
          const labels = RULE_LABELS[rule.kind];
          return (
            <>
              <Checkbox label="on" checked={rule.enabled} onChange={(v) => patch({ enabled: v })} />
              <span className="config-rule-kind">{rule.kind}</span>
              <TextInput
                label={labels.target}
                value={rule.target}
                onChange={(v) => patch({ target: v })}
              />
              {labels.threshold ? (
                <TextInput
                  label={labels.threshold}
                  value={rule.threshold}
                  onChange={(v) => patch({ threshold: v })}
                  width="narrow"
                />
              ) : null}
              {rule.kind === 'group-status' ? (
                <label className="config-input config-input-narrow">
                  <span>at or above</span>
                  <select
                    value={rule.atLeast}
                    onChange={(event) =>
                      patch({ atLeast: event.target.value as RuleRow['atLeast'] })
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
                onChange={(v) => patch({ seconds: v })}
                width="narrow"
              />
            </>
          );
        }}
      </EditableList>
      <div className="config-row">
        {ALERT_KINDS.map((kind) => (
          <AddButton
            key={kind}
            onClick={() => update('rules', (rules) => [...rules, emptyRule(kind)])}
            testId={`config-add-rule-${kind}`}
          >
            + {kind}
          </AddButton>
        ))}
      </div>
    </Section>
  );
}
