import { useEffect, useState } from 'react';
import {
  SluiceError,
  type DeadLetterSourceView,
  type EnvironmentView,
  type ReplayRequestInput,
  type Selection,
} from '@shared/contract';
import { useDryRun, useStartReplay } from '../../queries/deadletters';
import { PayloadView } from './PayloadView';
import { useModalDialog } from '../../components/useModalDialog';
import { ProductionNameField } from '../../components/ProductionNameField';
import { Field } from './fields';
import { ReplayTargetFields } from './targets/ReplayTargetFields';
import {
  TARGET_LABELS,
  emptyTargetFields,
  replayTargetInput,
  type TargetChoice,
} from './targets/targetModel';

/** "Where each entry came from", then the target kinds the source allows. */
function targetChoices(source: DeadLetterSourceView): { kind: TargetChoice; label: string }[] {
  return [
    { kind: 'original', label: 'where each entry came from' },
    ...source.capabilities.replayTargets.map((kind) => ({ kind, label: TARGET_LABELS[kind] })),
  ];
}

/** "name=value" lines into header pairs. */
function parseHeaderLines(text: string): { name: string; value: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && line.includes('='))
    .map((line) => ({
      name: line.slice(0, line.indexOf('=')).trim(),
      value: line.slice(line.indexOf('=') + 1),
    }));
}

/**
 * Replay of a selection or a filter: a dry run first (count, targets, a
 * sample), then the job with its rate limit. Production bulk replays ask for
 * the environment's name.
 */
export function ReplayDialog({
  environment,
  source,
  selection,
  onClose,
}: {
  environment: EnvironmentView;
  source: DeadLetterSourceView;
  selection: Selection;
  onClose: () => void;
}) {
  const ref = useModalDialog();
  const [kind, setKind] = useState<TargetChoice>('original');
  const [targetFields, setTargetFields] = useState(emptyTargetFields);
  const [headerMode, setHeaderMode] = useState<'keep' | 'strip-errors' | 'strip-all'>(
    'strip-errors',
  );
  const [strip, setStrip] = useState('');
  const [add, setAdd] = useState('');
  const [rate, setRate] = useState('');
  const [typedName, setTypedName] = useState('');
  const dryRun = useDryRun();
  const start = useStartReplay();
  const { mutate: runDryRun } = dryRun;

  const target = replayTargetInput(kind, targetFields);
  const request: ReplayRequestInput = {
    sourceId: source.id,
    selection,
    target,
    headers: {
      mode: headerMode,
      strip: strip
        .split(/[\s,]+/)
        .map((name) => name.trim())
        .filter(Boolean),
      add: parseHeaderLines(add),
    },
    ratePerSecond: rate.trim() === '' ? null : Number(rate),
    confirmEnvironmentName: typedName === '' ? null : typedName,
  };
  const requestKey = JSON.stringify({ ...request, confirmEnvironmentName: null });

  useEffect(() => {
    const timer = setTimeout(() => runDryRun(JSON.parse(requestKey) as ReplayRequestInput), 300);
    return () => clearTimeout(timer);
  }, [requestKey, runDryRun]);

  const result =
    dryRun.variables &&
    JSON.stringify({ ...dryRun.variables, confirmEnvironmentName: null }) === requestKey
      ? dryRun.data
      : undefined;
  const needsName = result?.confirmation.required ?? false;
  const nameOk = !needsName || typedName === environment.name;
  const canStart =
    result !== undefined &&
    result.count > 0 &&
    result.withoutTarget === 0 &&
    nameOk &&
    !start.isPending &&
    !environment.readOnly;

  return (
    <dialog
      ref={ref}
      className="dialog dl-dialog"
      data-testid="dl-replay-dialog"
      aria-labelledby="dl-replay-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="dl-replay-title" className="dialog-title">
        Replay{' '}
        {selection.kind === 'keys' ? `${selection.keys.length} selected` : 'every matching entry'}{' '}
        from {source.name}
      </h2>
      <div className="dialog-body">
        <div className="field-row">
          <Field label="Send to">
            <select
              value={kind}
              onChange={(e) => setKind(e.target.value as TargetChoice)}
              data-testid="dl-replay-target"
            >
              {targetChoices(source).map((option) => (
                <option key={option.kind} value={option.kind}>
                  {option.label}
                </option>
              ))}
            </select>
          </Field>
          <ReplayTargetFields kind={kind} fields={targetFields} onChange={setTargetFields} />
          <Field label="Rate limit (entries/s, empty: none)">
            <input
              type="number"
              min={1}
              value={rate}
              onChange={(e) => setRate(e.target.value)}
              data-testid="dl-replay-rate"
            />
          </Field>
        </div>
        {source.capabilities.replayHeaders ? (
          <div className="field-row">
            <Field label="Headers">
              <select
                value={headerMode}
                onChange={(e) => setHeaderMode(e.target.value as typeof headerMode)}
              >
                <option value="strip-errors">keep, without the error headers</option>
                <option value="keep">keep all</option>
                <option value="strip-all">drop all</option>
              </select>
            </Field>
            <Field label="Also drop (names, name* for a prefix)">
              <input value={strip} onChange={(e) => setStrip(e.target.value)} />
            </Field>
            <Field label="Add (name=value per line)">
              <textarea rows={2} value={add} onChange={(e) => setAdd(e.target.value)} />
            </Field>
          </div>
        ) : null}

        <section className="dl-dryrun" data-testid="dl-dryrun" aria-live="polite">
          <h3>Dry run</h3>
          {dryRun.isError ? (
            <p className="field-error">{dryRun.error.message}</p>
          ) : !result ? (
            <p className="loading">Counting…</p>
          ) : (
            <>
              <p data-testid="dl-dryrun-count">
                <strong>{result.count.toLocaleString('en')}</strong>{' '}
                {result.count === 1 ? 'entry' : 'entries'} would be replayed
                {result.targets.length > 0
                  ? `: ${result.targets.map((t) => `${t.count.toLocaleString('en')} to ${t.target}`).join(', ')}`
                  : ''}
                .
              </p>
              {result.warnings.map((warning) => (
                <p key={warning} className="dl-warning">
                  {warning}
                </p>
              ))}
              {result.delivery ? <p className="muted dl-delivery">{result.delivery}</p> : null}
              {result.sample.length > 0 ? (
                <details className="dl-details">
                  <summary>Sample of what is sent ({result.sample.length})</summary>
                  {result.sample.map((item) => (
                    <div key={item.key} className="dl-sample">
                      <p className="dl-mono">
                        {item.key} → {item.target ?? 'no target'}
                      </p>
                      {item.headers.length > 0 ? (
                        <p className="dl-mono muted">
                          {item.headers.map((h) => `${h.name}: ${h.text ?? '(bytes)'}`).join(' · ')}
                        </p>
                      ) : null}
                      <PayloadView payload={item.payload} testId={`dl-sample-${item.key}`} />
                    </div>
                  ))}
                </details>
              ) : null}
              {needsName ? (
                <ProductionNameField
                  environmentName={environment.name}
                  value={typedName}
                  onChange={setTypedName}
                  lead={`${result.count.toLocaleString('en')} entries in production:`}
                  className="field dl-confirm"
                  testId="dl-confirm-name"
                />
              ) : null}
            </>
          )}
        </section>
        {start.error ? (
          <p className="field-error" role="alert" data-testid="dl-replay-error">
            {start.error instanceof SluiceError ? `${start.error.code}: ` : ''}
            {start.error.message}
          </p>
        ) : null}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={!canStart}
          onClick={() => start.mutate(request, { onSuccess: onClose })}
          data-testid="dl-replay-start"
        >
          Start replay
        </button>
      </div>
    </dialog>
  );
}
