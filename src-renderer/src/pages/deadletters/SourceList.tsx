import { useState } from 'react';
import type { DeadLetterSourceView, EnvironmentView } from '@shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorPanel } from '../../components/Panels';
import { useDeadLetterStats, useRemoveDeadLetterSource } from '../../queries/deadletters';
import { formatCount, formatGrowth } from './format';
import { SourceForm } from './SourceForm';
import { describeSource } from './sourceFormModel';

export function SourceList({
  environment,
  sources,
  selectedId,
  onSelect,
}: {
  environment: EnvironmentView;
  sources: DeadLetterSourceView[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const stats = useDeadLetterStats(environment.id);
  const remove = useRemoveDeadLetterSource();
  const [editing, setEditing] = useState<DeadLetterSourceView | 'new' | null>(null);
  const [removing, setRemoving] = useState<DeadLetterSourceView | null>(null);
  const statsOf = (id: string) => stats.data?.find((s) => s.sourceId === id);

  return (
    <div className="dl-source-list">
      <div className="dl-section-head">
        <h2>Sources</h2>
        <button
          type="button"
          className="button button-small"
          onClick={() => setEditing('new')}
          data-testid="dl-add-source"
        >
          Add source
        </button>
      </div>
      {stats.isError ? <ErrorPanel error={stats.error} /> : null}
      <ul className="dl-sources-ul">
        {sources.map((source) => {
          const s = statsOf(source.id);
          const growth = s ? formatGrowth(s.growthPerMinute) : '';
          return (
            <li key={source.id}>
              <button
                type="button"
                className={source.id === selectedId ? 'dl-source active' : 'dl-source'}
                onClick={() => onSelect(source.id)}
                data-testid={`dl-source-${source.name}`}
                aria-current={source.id === selectedId ? 'true' : undefined}
              >
                <span className="dl-source-name">{source.name}</span>
                <span className="dl-source-kind muted">{describeSource(source)}</span>
                {s?.state === 'down' ? (
                  <span className="dl-source-down" title={s.error ?? ''}>
                    down: {s.error}
                  </span>
                ) : (
                  <span className="dl-source-count">
                    <strong data-testid={`dl-count-${source.name}`}>{formatCount(s?.count)}</strong>{' '}
                    dead
                    {growth ? (
                      <span
                        className={
                          (s?.growthPerMinute ?? 0) > 0 ? 'dl-growth dl-growth-up' : 'dl-growth'
                        }
                      >
                        {growth}
                      </span>
                    ) : null}
                  </span>
                )}
              </button>
              {source.id === selectedId ? (
                <div className="dl-source-actions">
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setEditing(source)}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    onClick={() => setRemoving(source)}
                  >
                    Remove
                  </button>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
      {editing ? (
        <SourceForm
          environmentId={environment.id}
          source={editing === 'new' ? null : editing}
          onClose={(saved) => {
            setEditing(null);
            if (saved) onSelect(saved.id);
          }}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={`Forget source "${removing.name}"?`}
          confirmLabel="Forget source"
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate(removing.id, { onSettled: () => setRemoving(null) })}
        >
          <p>
            Sluice stops showing it. The dead letters stay where they are (
            {describeSource(removing)}).
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
