import { useState } from 'react';
import type { Runbook } from '@shared/contract';
import { ErrorPanel, Loading } from '../../components/Panels';
import { LineDiff } from '../../components/runbooks/LineDiff';
import { useRunbook } from '../../queries/runbooks';
import { RunbookView } from './RunbookView';
import { formatLocalTime } from './time';

export interface RunbookVersionSummary {
  version: number;
  title: string;
  author: string;
  createdAt: string;
}

interface Props {
  id: string;
  /** Newest or oldest first, as the core returns them; shown newest first. */
  versions: readonly RunbookVersionSummary[];
  /** Open the editor with an older version's content (saving makes it the newest). */
  onRestore: (runbook: Runbook) => void;
}

/** Everything but the body, one fact per line, so metadata changes diff like text. */
export function propertiesText(runbook: Runbook): string {
  const { match } = runbook;
  return [
    `title: ${runbook.title}`,
    `tags: ${runbook.tags.join(', ')}`,
    `error classes: ${match.errorClasses.join(', ')}`,
    `reason pattern: ${match.reasonPattern ?? ''}`,
    `alert kinds: ${match.alertKinds.join(', ')}`,
    `sources: ${match.sources.join(', ')}`,
    `environments: ${match.environments.join(', ')}`,
    '',
  ].join('\n');
}

function VersionDiff({ id, from, to }: { id: string; from: number; to: number }) {
  const before = useRunbook(id, from);
  const after = useRunbook(id, to);
  if (before.isError || after.isError) {
    return (
      <ErrorPanel
        error={before.error ?? after.error}
        onRetry={() => {
          void before.refetch();
          void after.refetch();
        }}
      />
    );
  }
  if (!before.data || !after.data) return <Loading what={`versions ${from} and ${to}`} />;
  const oldProps = propertiesText(before.data.runbook);
  const newProps = propertiesText(after.data.runbook);
  return (
    <div className="runbook-diff" data-testid="runbook-diff">
      {oldProps !== newProps ? (
        <>
          <h4>Title, tags and match rules</h4>
          <LineDiff
            before={oldProps}
            after={newProps}
            beforeLabel={`version ${from}`}
            afterLabel={`version ${to}`}
            testId="runbook-diff-properties"
          />
        </>
      ) : null}
      <h4>Body</h4>
      <LineDiff
        before={before.data.runbook.body}
        after={after.data.runbook.body}
        beforeLabel={`version ${from}`}
        afterLabel={`version ${to}`}
        testId="runbook-diff-body"
      />
    </div>
  );
}

function OneVersion({
  id,
  version,
  onRestore,
}: {
  id: string;
  version: number;
  onRestore: (runbook: Runbook) => void;
}) {
  const query = useRunbook(id, version);
  if (query.isError) {
    return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (!query.data) return <Loading what={`version ${version}`} />;
  const { runbook } = query.data;
  return (
    <div className="runbook-old-version" data-testid="runbook-old-version">
      <div className="runbook-old-version-actions">
        <h4>Version {version}</h4>
        <button
          type="button"
          className="button button-small"
          data-testid="runbook-restore"
          onClick={() => onRestore(runbook)}
        >
          Edit from this version
        </button>
      </div>
      <RunbookView runbook={runbook} />
    </div>
  );
}

/**
 * Every saved version with who saved it and when; pick any two to see what
 * changed between them, or open one on its own.
 */
export function RunbookHistory({ id, versions, onRestore }: Props) {
  const ordered = [...versions].sort((a, b) => b.version - a.version);
  const newest = ordered[0]?.version ?? 1;
  const [from, setFrom] = useState(ordered[1]?.version ?? newest);
  const [to, setTo] = useState(newest);
  const [viewing, setViewing] = useState<number | null>(null);

  return (
    <div className="runbook-history" data-testid="runbook-history">
      <table className="table runbook-versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Saved by</th>
            <th scope="col">When</th>
            <th scope="col">Title</th>
            <th scope="col" title="Compare from">
              From
            </th>
            <th scope="col" title="Compare to">
              To
            </th>
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((entry) => (
            <tr key={entry.version} data-testid={`runbook-version-${entry.version}`}>
              <td>{entry.version}</td>
              <td>{entry.author}</td>
              <td>
                <time dateTime={entry.createdAt} title={entry.createdAt}>
                  {formatLocalTime(entry.createdAt)}
                </time>
              </td>
              <td>{entry.title}</td>
              <td>
                <input
                  type="radio"
                  name="diff-from"
                  aria-label={`Compare from version ${entry.version}`}
                  data-testid={`diff-from-${entry.version}`}
                  checked={from === entry.version}
                  onChange={() => setFrom(entry.version)}
                />
              </td>
              <td>
                <input
                  type="radio"
                  name="diff-to"
                  aria-label={`Compare to version ${entry.version}`}
                  data-testid={`diff-to-${entry.version}`}
                  checked={to === entry.version}
                  onChange={() => setTo(entry.version)}
                />
              </td>
              <td>
                <button
                  type="button"
                  className="button button-small"
                  data-testid={`runbook-view-version-${entry.version}`}
                  aria-pressed={viewing === entry.version}
                  onClick={() =>
                    setViewing((current) => (current === entry.version ? null : entry.version))
                  }
                >
                  {viewing === entry.version ? 'Hide' : 'View'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {viewing !== null ? <OneVersion id={id} version={viewing} onRestore={onRestore} /> : null}
      {ordered.length < 2 ? (
        <p className="muted">Only one version so far: save a change to compare versions.</p>
      ) : from === to ? (
        <p className="muted">Pick two different versions to compare.</p>
      ) : (
        <>
          <h3 className="runbook-diff-title" data-testid="runbook-diff-title">
            Changes from version {from} to version {to}
          </h3>
          <VersionDiff id={id} from={from} to={to} />
        </>
      )}
    </div>
  );
}
