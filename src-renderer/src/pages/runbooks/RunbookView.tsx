import type { Runbook, RunbookMatch } from '@shared/contract';
import { Markdown } from '../../components/markdown/Markdown';
import { formatLocalTime } from './time';

function listOrNone(values: readonly string[]) {
  return values.length > 0 ? values.join(', ') : <span className="muted">any</span>;
}

/** When the runbook is offered: triggers first, then the scopes that narrow them. */
export function MatchRulesSummary({ match }: { match: RunbookMatch }) {
  const hasTrigger =
    match.errorClasses.length > 0 || match.alertKinds.length > 0 || match.reasonPattern !== null;
  return (
    <div className="runbook-rules" data-testid="runbook-rules">
      {hasTrigger ? null : (
        <p className="muted">
          No error class, reason pattern or alert kind: shown only from the Runbooks page.
        </p>
      )}
      <dl className="facts">
        <dt>Error classes</dt>
        <dd>{match.errorClasses.length > 0 ? match.errorClasses.join(', ') : '—'}</dd>
        <dt>Reason pattern</dt>
        <dd>{match.reasonPattern !== null ? <code>{match.reasonPattern}</code> : '—'}</dd>
        <dt>Alert kinds</dt>
        <dd>{match.alertKinds.length > 0 ? match.alertKinds.join(', ') : '—'}</dd>
        <dt>Sources</dt>
        <dd>{listOrNone(match.sources)}</dd>
        <dt>Environments</dt>
        <dd>{listOrNone(match.environments)}</dd>
      </dl>
    </div>
  );
}

interface Props {
  runbook: Runbook;
  onTagClick?: (tag: string) => void;
}

/** One version of a runbook: its facts, its match rules and its rendered body. */
export function RunbookView({ runbook, onTagClick }: Props) {
  return (
    <article className="runbook-view" data-testid="runbook-view">
      <p className="runbook-meta muted" data-testid="runbook-meta">
        Version {runbook.version} · saved by {runbook.updatedBy} ·{' '}
        <time dateTime={runbook.updatedAt} title={runbook.updatedAt}>
          {formatLocalTime(runbook.updatedAt)}
        </time>
      </p>
      {runbook.tags.length > 0 ? (
        <p className="runbook-tags">
          {runbook.tags.map((tag) =>
            onTagClick ? (
              <button
                key={tag}
                type="button"
                className="tag tag-button"
                title={`Show runbooks tagged ${tag}`}
                onClick={() => onTagClick(tag)}
              >
                {tag}
              </button>
            ) : (
              <span key={tag} className="tag">
                {tag}
              </span>
            ),
          )}
        </p>
      ) : null}
      <details className="runbook-rules-details">
        <summary>When this runbook is shown</summary>
        <MatchRulesSummary match={runbook.match} />
      </details>
      <div data-testid="runbook-body">
        <Markdown source={runbook.body} className="markdown runbook-body" />
      </div>
    </article>
  );
}
