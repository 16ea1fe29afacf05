import { useState } from 'react';
import type { Runbook } from '@shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorPanel, Loading } from '../../components/Panels';
import { pushToast } from '../../components/toastStore';
import { useRemoveRunbook, useRunbook } from '../../queries/runbooks';
import { RunbookEditor } from './RunbookEditor';
import { formFromRunbook } from './runbookFormModel';
import { RunbookHistory } from './RunbookHistory';
import { RunbookView } from './RunbookView';

type Mode =
  { kind: 'view' } | { kind: 'history' } | { kind: 'edit'; from: Runbook; restoredFrom?: number };

interface Props {
  id: string;
  onRemoved: () => void;
  onTagClick: (tag: string) => void;
}

const TABS = [
  { kind: 'view', label: 'Read' },
  { kind: 'edit', label: 'Edit' },
  { kind: 'history', label: 'History' },
] as const;

/** One runbook: read it, edit it (each save is a new version), browse and diff its history. */
export function RunbookDetail({ id, onRemoved, onTagClick }: Props) {
  const query = useRunbook(id);
  const remove = useRemoveRunbook();
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [removing, setRemoving] = useState(false);

  if (query.isPending) return <Loading what="the runbook" />;
  if (query.isError) {
    return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  }
  const { runbook, versions } = query.data;

  const selectTab = (kind: (typeof TABS)[number]['kind']) => {
    setMode(kind === 'edit' ? { kind: 'edit', from: runbook } : { kind });
  };

  return (
    <section className="runbook-detail" data-testid="runbook-detail" aria-labelledby="runbook-h">
      <header className="runbook-detail-header">
        <h2 id="runbook-h" data-testid="runbook-heading">
          {runbook.title}
        </h2>
        <div className="runbook-tabs" role="tablist" aria-label="Runbook views">
          {TABS.map((tab) => (
            <button
              key={tab.kind}
              type="button"
              role="tab"
              aria-selected={mode.kind === tab.kind}
              className={mode.kind === tab.kind ? 'runbook-tab active' : 'runbook-tab'}
              data-testid={`runbook-tab-${tab.kind}`}
              onClick={() => selectTab(tab.kind)}
            >
              {tab.label}
              {tab.kind === 'history' ? ` (${versions.length})` : ''}
            </button>
          ))}
          <button
            type="button"
            className="button button-small button-danger runbook-remove"
            data-testid="runbook-remove"
            onClick={() => setRemoving(true)}
          >
            Remove
          </button>
        </div>
      </header>

      {mode.kind === 'view' ? <RunbookView runbook={runbook} onTagClick={onTagClick} /> : null}
      {mode.kind === 'edit' ? (
        <RunbookEditor
          // A fresh editor for each starting point, so its fields start from it.
          key={`${mode.from.version}-${mode.restoredFrom ?? 'current'}`}
          initial={{ ...formFromRunbook(mode.from), id: runbook.id }}
          baseVersion={runbook.version}
          {...(mode.restoredFrom !== undefined ? { restoredFrom: mode.restoredFrom } : {})}
          onSaved={() => setMode({ kind: 'view' })}
          onCancel={() => setMode({ kind: 'view' })}
        />
      ) : null}
      {mode.kind === 'history' ? (
        <RunbookHistory
          id={runbook.id}
          versions={versions}
          onRestore={(old) => setMode({ kind: 'edit', from: old, restoredFrom: old.version })}
        />
      ) : null}

      {removing ? (
        <ConfirmDialog
          title={`Remove “${runbook.title}”?`}
          confirmLabel="Remove runbook"
          danger
          busy={remove.isPending}
          testId="remove-runbook-dialog"
          onCancel={() => setRemoving(false)}
          onConfirm={() =>
            remove.mutate(runbook.id, {
              onSuccess: () => {
                pushToast({
                  kind: 'info',
                  title: 'Removed',
                  message: `“${runbook.title}” removed`,
                });
                onRemoved();
              },
              onSettled: () => setRemoving(false),
            })
          }
        >
          <p>
            The runbook and all {versions.length} of its versions are deleted. Export the runbooks
            first if you may want it back.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
