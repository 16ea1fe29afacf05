import { useState } from 'react';
import { EmptyState } from '../../components/Panels';
import { useAppInfo } from '../../queries/app';
import { RunbookDetail } from './RunbookDetail';
import { RunbookEditor } from './RunbookEditor';
import { emptyRunbookForm } from './runbookFormModel';
import { RunbookList } from './RunbookList';
import { RunbookMatchTester } from './RunbookMatchTester';
import { RunbookTransfer } from './RunbookTransfer';
import { useRunbookRoute } from './useRunbookRoute';

export function RunbooksPage() {
  const [selectedId, select] = useRunbookRoute();
  const [text, setText] = useState('');
  const [tag, setTag] = useState('');
  const [creating, setCreating] = useState(false);
  const [transferOpen, setTransferOpen] = useState(false);
  const [testerOpen, setTesterOpen] = useState(false);
  const info = useAppInfo();

  return (
    <div className="page page-wide runbooks-page">
      <div className="page-title-row">
        <h1>Runbooks</h1>
        <div className="page-actions">
          <button
            type="button"
            className="button"
            data-testid="runbook-tester-toggle"
            aria-expanded={testerOpen}
            onClick={() => setTesterOpen((open) => !open)}
          >
            Test matching
          </button>
          <button
            type="button"
            className="button"
            data-testid="runbook-transfer-toggle"
            aria-expanded={transferOpen}
            onClick={() => setTransferOpen((open) => !open)}
          >
            Import / export
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="runbook-new"
            onClick={() => setCreating(true)}
          >
            New runbook
          </button>
        </div>
      </div>
      {transferOpen ? <RunbookTransfer browserMode={info.data?.mode === 'browser'} /> : null}
      {testerOpen ? <RunbookMatchTester /> : null}
      <div className="runbooks-layout">
        <RunbookList
          text={text}
          tag={tag}
          onTextChange={setText}
          onTagChange={setTag}
          selectedId={creating ? null : selectedId}
          onPick={() => setCreating(false)}
        />
        <div className="runbooks-pane">
          {creating ? (
            <section className="runbook-detail" data-testid="runbook-new-pane">
              <h2>New runbook</h2>
              <RunbookEditor
                initial={emptyRunbookForm()}
                baseVersion={null}
                onSaved={(saved) => {
                  setCreating(false);
                  select(saved.id);
                }}
                onCancel={() => setCreating(false)}
              />
            </section>
          ) : selectedId ? (
            <RunbookDetail
              // Switching runbooks starts on its rendered view, not the last one's tab.
              key={selectedId}
              id={selectedId}
              onRemoved={() => select(null)}
              onTagClick={setTag}
            />
          ) : (
            <EmptyState title="Pick a runbook">
              Runbooks are shown beside the dead letters and alerts they match. Pick one from the
              list to read, edit or compare its versions.
            </EmptyState>
          )}
        </div>
      </div>
    </div>
  );
}
