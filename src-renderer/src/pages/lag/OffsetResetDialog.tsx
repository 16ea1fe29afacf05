import { useState } from 'react';
import {
  SluiceError,
  type EnvironmentView,
  type GroupDescription,
  type OffsetResetTarget,
} from '@shared/contract';
import { useModalDialog } from '../../components/useModalDialog';
import { useOffsetReset, useResetPreview } from '../../queries/kafkaGroups';
import { formatCount } from '../monitoring/format';
import { ProductionNameField } from '../../components/ProductionNameField';

type TargetKind = OffsetResetTarget['kind'] | 'skip-one';

const TARGET_LABELS: Record<TargetKind, string> = {
  'skip-one': 'Skip one record (the one at the committed offset)',
  earliest: 'Earliest offset the broker holds',
  latest: 'Latest (skip everything not yet consumed)',
  timestamp: 'First record at or after a time',
  offset: 'An exact offset',
  shift: 'Shift by N records (negative re-reads)',
};

/** The form's target, or a message saying what is missing. */
function targetOf(kind: TargetKind, value: string): OffsetResetTarget | string {
  if (kind === 'skip-one') return { kind: 'shift', by: 1 };
  if (kind === 'earliest' || kind === 'latest') return { kind };
  if (kind === 'timestamp') {
    const at = Date.parse(value);
    return Number.isFinite(at) ? { kind, timestamp: at } : 'choose a date and time';
  }
  const number = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(number)) return 'type a whole number';
  if (kind === 'offset') return number >= 0 ? { kind, offset: number } : 'an offset is 0 or more';
  return number !== 0 ? { kind, by: number } : 'a shift of 0 changes nothing';
}

function partitionsOf(text: string): number[] | null | string {
  if (text.trim() === '') return null;
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) return 'partitions: numbers separated by commas';
  return parts.map(Number);
}

function offsetText(value: number | null): string {
  return value === null ? 'none' : formatCount(value);
}

/**
 * Offset reset for a group: choose the topic, partitions and target, see per
 * partition what would change, then apply. Kafka takes new offsets only from
 * outside an empty group, so a group with members is refused with its members.
 */
export function OffsetResetDialog({
  environment,
  group,
  onClose,
}: {
  environment: EnvironmentView;
  group: GroupDescription;
  onClose: () => void;
}) {
  const ref = useModalDialog();
  const topics = [...new Set(group.offsets.map((o) => o.topic))];
  const [topic, setTopic] = useState<string>(topics[0] ?? '');
  const [partitionText, setPartitionText] = useState('');
  const [kind, setKind] = useState<TargetKind>('skip-one');
  const [value, setValue] = useState('');
  const [typedName, setTypedName] = useState('');
  const preview = useResetPreview();
  const reset = useOffsetReset();

  const target = targetOf(kind, value);
  const partitions = partitionsOf(partitionText);
  const formProblem =
    typeof target === 'string' ? target : typeof partitions === 'string' ? partitions : null;
  const request =
    formProblem === null
      ? {
          environmentId: environment.id,
          groupId: group.groupId,
          topic: topic === '' ? null : topic,
          partitions: partitions as number[] | null,
          target: target as OffsetResetTarget,
        }
      : null;
  const shown = preview.data;
  const needsName = environment.production;
  const canApply =
    shown !== undefined &&
    shown.refusal === null &&
    !reset.isPending &&
    !reset.data &&
    (!needsName || typedName === environment.name);
  const changed = () => {
    preview.reset();
    reset.reset();
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      data-testid="offset-reset-dialog"
      aria-labelledby="offset-reset-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="offset-reset-title" className="dialog-title">
        Reset offsets of {group.groupId}
      </h2>
      <div className="dialog-body">
        <div className="field">
          <label>
            Topic
            <select
              value={topic}
              onChange={(e) => {
                setTopic(e.target.value);
                changed();
              }}
              data-testid="offset-reset-topic"
            >
              {topics.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
              <option value="">Every topic the group committed on</option>
            </select>
          </label>
        </div>
        <div className="field">
          <label>
            Partitions (empty: all)
            <input
              value={partitionText}
              disabled={topic === ''}
              placeholder="e.g. 0, 3"
              onChange={(e) => {
                setPartitionText(e.target.value);
                changed();
              }}
              data-testid="offset-reset-partitions"
            />
          </label>
        </div>
        <div className="field">
          <label>
            New position
            <select
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as TargetKind);
                setValue('');
                changed();
              }}
              data-testid="offset-reset-kind"
            >
              {(Object.keys(TARGET_LABELS) as TargetKind[]).map((k) => (
                <option key={k} value={k}>
                  {TARGET_LABELS[k]}
                </option>
              ))}
            </select>
          </label>
        </div>
        {kind === 'timestamp' || kind === 'offset' || kind === 'shift' ? (
          <div className="field">
            <label>
              {kind === 'timestamp' ? 'Time (local)' : kind === 'offset' ? 'Offset' : 'N'}
              <input
                type={kind === 'timestamp' ? 'datetime-local' : 'text'}
                inputMode={kind === 'timestamp' ? undefined : 'numeric'}
                value={value}
                onChange={(e) => {
                  setValue(e.target.value);
                  changed();
                }}
                data-testid="offset-reset-value"
              />
            </label>
          </div>
        ) : null}
        {formProblem ? <p className="muted">{formProblem}</p> : null}

        {shown ? (
          <>
            <table className="table" data-testid="offset-reset-preview">
              <thead>
                <tr>
                  <th scope="col">Partition</th>
                  <th scope="col" className="num">
                    Committed now
                  </th>
                  <th scope="col" className="num">
                    New offset
                  </th>
                  <th scope="col" className="num">
                    Lag now → after
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.rows.map((row) => (
                  <tr key={`${row.topic}/${row.partition}`}>
                    <th scope="row">
                      {row.topic}/{row.partition}
                    </th>
                    <td className="num">{offsetText(row.current)}</td>
                    <td className="num">
                      {formatCount(row.next)}
                      {row.clamped ? (
                        <span className="muted">
                          {' '}
                          (kept within {formatCount(row.logStart)}–{formatCount(row.logEnd)})
                        </span>
                      ) : null}
                    </td>
                    <td className="num">
                      {offsetText(row.lagBefore)} → {formatCount(row.lagAfter)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {shown.refusal ? (
              <p className="field-error" role="alert" data-testid="offset-reset-refusal">
                {shown.refusal}
              </p>
            ) : null}
          </>
        ) : null}

        {needsName && shown && shown.refusal === null && !reset.data ? (
          <ProductionNameField
            environmentName={environment.name}
            value={typedName}
            onChange={setTypedName}
            testId="offset-reset-confirm-name"
          />
        ) : null}
        {preview.error || reset.error ? (
          <p className="field-error" role="alert">
            {(() => {
              const error = (reset.error ?? preview.error)!;
              return `${error instanceof SluiceError ? `${error.code}: ` : ''}${error.message}`;
            })()}
          </p>
        ) : null}
        {reset.data ? (
          <p data-testid="offset-reset-result">
            Committed:{' '}
            {reset.data.rows
              .map(
                (r) =>
                  `${r.topic}/${r.partition} ${offsetText(r.before)} → ${formatCount(r.after)}`,
              )
              .join(', ')}
          </p>
        ) : null}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {reset.data ? 'Close' : 'Cancel'}
        </button>
        {reset.data ? null : (
          <>
            <button
              type="button"
              className="button"
              disabled={request === null || preview.isPending}
              onClick={() => request && preview.mutate(request)}
              data-testid="offset-reset-preview-button"
            >
              Preview
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={!canApply || request === null}
              onClick={() =>
                request && reset.mutate({ ...request, confirmName: needsName ? typedName : null })
              }
              data-testid="offset-reset-apply"
            >
              Apply reset
            </button>
          </>
        )}
      </div>
    </dialog>
  );
}
