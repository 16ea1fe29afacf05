import { useState } from 'react';
import { MatchingRunbooks } from '../../components/runbooks/MatchingRunbooks';
import { useDebouncedValue } from './useDebouncedValue';

const FIELDS = [
  { key: 'errorClass', label: 'Error class', placeholder: 'PoisonDocumentError' },
  { key: 'reason', label: 'Reason', placeholder: 'failed to parse field [price]' },
  { key: 'alertKind', label: 'Alert kind', placeholder: 'dlq-growth' },
  { key: 'source', label: 'Source', placeholder: 'job-es-sync.dlq' },
  { key: 'environment', label: 'Environment', placeholder: 'production' },
] as const;

type Situation = Record<(typeof FIELDS)[number]['key'], string>;

/**
 * Describe a dead letter or an alert and see which runbooks it would be shown
 * with, exactly as the dead-letter and alert views ask for them.
 */
export function RunbookMatchTester() {
  const [situation, setSituation] = useState<Situation>({
    errorClass: '',
    reason: '',
    alertKind: '',
    source: '',
    environment: '',
  });
  const settled = useDebouncedValue(situation);

  return (
    <section className="card runbook-match-tester" data-testid="runbook-match-tester">
      <h2>Which runbooks would be shown?</h2>
      <div className="runbook-rules-grid">
        {FIELDS.map((field) => (
          <div className="field" key={field.key}>
            <label htmlFor={`match-test-${field.key}`}>{field.label}</label>
            <input
              id={`match-test-${field.key}`}
              data-testid={`match-test-${field.key}`}
              placeholder={field.placeholder}
              spellCheck={false}
              value={situation[field.key]}
              onChange={(event) =>
                setSituation((current) => ({ ...current, [field.key]: event.target.value }))
              }
            />
          </div>
        ))}
      </div>
      <MatchingRunbooks {...settled} heading="Matching runbooks" />
    </section>
  );
}
