import { useState } from 'react';
import type {
  DeadLetterDetail,
  DeadLetterSourceView,
  EnvironmentView,
  Selection,
} from '@shared/contract';
import { LineDiff } from '../../components/runbooks/LineDiff';
import { MatchingRunbooks } from '../../components/runbooks/MatchingRunbooks';
import { ErrorPanel, Loading } from '../../components/Panels';
import { useDeadLetter, useRevertEdit } from '../../queries/deadletters';
import { formatBytes, formatTime, prettyJson } from './format';
import { JsonEditor } from './JsonEditor';
import { PayloadView } from './PayloadView';

function textForDiff(view: DeadLetterDetail['payload']): string {
  const text = view.text ?? '';
  return prettyJson(text) ?? text;
}

/** One dead letter: payload, failure, headers and metadata, edit, replay and discard. */
export function EntryDetail({
  environment,
  source,
  entryKey,
  onClose,
  onReplay,
  onDiscard,
}: {
  environment: EnvironmentView;
  source: DeadLetterSourceView;
  entryKey: string;
  onClose: () => void;
  onReplay: (selection: Selection) => void;
  onDiscard: (selection: Selection) => void;
}) {
  const entry = useDeadLetter(source.id, entryKey);
  const revert = useRevertEdit(source.id);
  const [editing, setEditing] = useState(false);
  const [showDiff, setShowDiff] = useState(false);

  if (entry.isPending) return <Loading what="the dead letter" />;
  if (entry.isError) return <ErrorPanel error={entry.error} onRetry={() => entry.refetch()} />;
  const detail = entry.data;
  const row = detail.row;
  const selection: Selection = { kind: 'keys', keys: [row.key] };
  const readOnly = environment.readOnly;

  return (
    <section className="dl-detail card" data-testid="dl-detail" aria-label="Dead letter">
      <div className="dl-section-head">
        <h2 className="dl-mono">{row.externalId ?? row.key}</h2>
        <div className="dl-detail-actions">
          {detail.payload.size <= 16 * 1024 * 1024 ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => setEditing(true)}
              disabled={readOnly || editing || row.resolved !== null}
              data-testid="dl-edit"
            >
              Edit JSON
            </button>
          ) : null}
          {detail.edit ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => revert.mutate(row.key)}
              disabled={readOnly || revert.isPending}
            >
              Revert edit
            </button>
          ) : null}
          <button
            type="button"
            className="button button-small button-primary"
            onClick={() => onReplay(selection)}
            disabled={readOnly || row.resolved !== null}
            data-testid="dl-replay-one"
          >
            Replay
          </button>
          <button
            type="button"
            className="button button-small button-danger"
            onClick={() => onDiscard(selection)}
            disabled={readOnly || row.resolved !== null}
          >
            Discard
          </button>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </div>
      </div>
      <dl className="dl-facts">
        <dt>Error class</dt>
        <dd data-testid="dl-detail-class">{row.errorClass ?? '—'}</dd>
        <dt>Reason</dt>
        <dd data-testid="dl-detail-reason">{row.reason ?? '—'}</dd>
        <dt>First / last failure</dt>
        <dd>
          {formatTime(row.firstFailedAt)} / {formatTime(row.lastFailedAt)}
        </dd>
        <dt>Attempts</dt>
        <dd>{row.attempts ?? '—'}</dd>
        <dt>Source</dt>
        <dd className="dl-mono">{row.origin ?? '—'}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(row.size)}</dd>
        {row.resolved ? (
          <>
            <dt>Resolved</dt>
            <dd>
              {row.resolved.kind}
              {row.resolved.at ? ` at ${formatTime(row.resolved.at)}` : ''}
              {row.resolved.reason ? ` (${row.resolved.reason})` : ''}
            </dd>
          </>
        ) : null}
        {detail.kafka ? (
          <>
            <dt>Record</dt>
            <dd className="dl-mono">
              partition {detail.kafka.partition}, offset {detail.kafka.offset}
              {detail.kafka.timestamp ? `, ${formatTime(detail.kafka.timestamp)}` : ''}
              {detail.kafka.key
                ? `, key ${detail.kafka.key.text ?? `(${detail.kafka.key.size} bytes)`}`
                : ''}
            </dd>
          </>
        ) : null}
        {detail.metadata.map((item) => (
          <div key={item.name} className="dl-fact-pair">
            <dt>{item.name}</dt>
            <dd className="dl-mono">{item.value}</dd>
          </div>
        ))}
      </dl>

      {editing ? (
        <JsonEditor
          sourceId={source.id}
          entryKey={row.key}
          initial={detail.payload.text ?? ''}
          original={detail.original ? textForDiff(detail.original) : textForDiff(detail.payload)}
          onDone={() => setEditing(false)}
        />
      ) : (
        <>
          {detail.edit ? (
            <p className="dl-edited-note" data-testid="dl-edited-note">
              Replay sends the edit saved by {detail.edit.operator} at{' '}
              {formatTime(detail.edit.editedAt)}.{' '}
              <button
                type="button"
                className="button button-small"
                onClick={() => setShowDiff((v) => !v)}
              >
                {showDiff ? 'Hide changes' : 'Show changes'}
              </button>
            </p>
          ) : null}
          {showDiff && detail.original ? (
            <LineDiff
              before={textForDiff(detail.original)}
              after={textForDiff(detail.payload)}
              beforeLabel="original"
              afterLabel="edited"
              testId="dl-diff"
            />
          ) : null}
          <PayloadView payload={detail.payload} />
        </>
      )}

      {detail.headers.length > 0 ? (
        <details className="dl-details" open>
          <summary>Headers ({detail.headers.length})</summary>
          <table className="table dl-headers">
            <tbody>
              {detail.headers.map((header, index) => (
                <tr key={`${header.name}:${index}`}>
                  <th scope="row" className="dl-mono">
                    {header.name}
                  </th>
                  <td className="dl-mono">{header.text ?? `base64 ${header.base64 ?? ''}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
      <MatchingRunbooks
        errorClass={row.errorClass ?? undefined}
        reason={row.reason ?? undefined}
        source={source.name}
        environment={environment.name}
      />
    </section>
  );
}
