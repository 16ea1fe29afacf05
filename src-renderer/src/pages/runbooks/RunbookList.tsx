import { useMemo } from 'react';
import { EmptyState, ErrorPanel, Loading } from '../../components/Panels';
import { runbookHash } from '../../components/runbooks/runbookLinks';
import { useRunbooks } from '../../queries/runbooks';
import { formatLocalTime } from './time';
import { useDebouncedValue } from './useDebouncedValue';

interface Props {
  text: string;
  tag: string;
  onTextChange: (text: string) => void;
  onTagChange: (tag: string) => void;
  selectedId: string | null;
  /** Called when the operator picks a runbook (the link itself changes the hash). */
  onPick?: () => void;
}

export function RunbookList({ text, tag, onTextChange, onTagChange, selectedId, onPick }: Props) {
  const settledText = useDebouncedValue(text);
  const runbooks = useRunbooks({ text: settledText, tag });
  // Tag choices come from every runbook, not the filtered ones, so a choice never vanishes.
  const everything = useRunbooks();
  const tags = useMemo(
    () => [...new Set((everything.data ?? []).flatMap((r) => r.tags))].sort(),
    [everything.data],
  );
  const filtering = settledText.trim() !== '' || tag !== '';

  return (
    <aside className="runbook-list" aria-label="Runbooks">
      <div className="runbook-filters">
        <input
          type="search"
          className="runbook-filter-text"
          placeholder="Search titles and text"
          aria-label="Search runbooks"
          data-testid="runbook-filter-text"
          value={text}
          onChange={(event) => onTextChange(event.target.value)}
        />
        <select
          aria-label="Filter by tag"
          data-testid="runbook-filter-tag"
          value={tag}
          onChange={(event) => onTagChange(event.target.value)}
        >
          <option value="">All tags</option>
          {tags.map((entry) => (
            <option key={entry} value={entry}>
              {entry}
            </option>
          ))}
          {tag !== '' && !tags.includes(tag) ? <option value={tag}>{tag}</option> : null}
        </select>
      </div>
      {runbooks.isPending ? <Loading what="runbooks" /> : null}
      {runbooks.isError ? (
        <ErrorPanel error={runbooks.error} onRetry={() => void runbooks.refetch()} />
      ) : null}
      {runbooks.data && runbooks.data.length === 0 ? (
        <EmptyState title={filtering ? 'No runbook matches the filter' : 'No runbooks yet'}>
          {filtering
            ? 'Change the search text or pick another tag.'
            : 'Create one with “New runbook” or import a folder of markdown files.'}
        </EmptyState>
      ) : null}
      {runbooks.data && runbooks.data.length > 0 ? (
        <ul className="runbook-items" data-testid="runbook-items">
          {runbooks.data.map((runbook) => (
            <li key={runbook.id}>
              <a
                href={runbookHash(runbook.id)}
                className={runbook.id === selectedId ? 'runbook-item selected' : 'runbook-item'}
                aria-current={runbook.id === selectedId ? 'true' : undefined}
                data-testid={`runbook-item-${runbook.id}`}
                onClick={onPick}
              >
                <span className="runbook-item-title">{runbook.title}</span>
                <span className="runbook-item-meta muted">
                  v{runbook.version} · {formatLocalTime(runbook.updatedAt)}
                </span>
                {runbook.tags.length > 0 ? (
                  <span className="runbook-item-tags">
                    {runbook.tags.map((entry) => (
                      <span key={entry} className="tag">
                        {entry}
                      </span>
                    ))}
                  </span>
                ) : null}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {runbooks.data ? (
        <p className="muted runbook-count" data-testid="runbook-count">
          {runbooks.data.length} runbook{runbooks.data.length === 1 ? '' : 's'}
          {filtering ? ' match' : ''}
          {runbooks.isFetching ? ' · updating…' : ''}
        </p>
      ) : null}
    </aside>
  );
}
