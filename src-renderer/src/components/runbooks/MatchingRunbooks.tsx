import { useState } from 'react';
import { useMatchingRunbooks } from '../../queries/runbooks';
import { Markdown } from '../markdown/Markdown';
import { ErrorPanel } from '../Panels';
import { runbookHash } from './runbookLinks';

/**
 * The situation to find runbooks for. Every field is optional; pass what is
 * known. A runbook applies when one of its triggers matches (errorClass exactly,
 * reason against its reason pattern, alertKind exactly) and every scope it
 * names (source, environment) matches too. Nothing is queried until at least
 * one trigger (errorClass, reason or alertKind) is given.
 */
export interface MatchingRunbooksProps {
  /** Exception class of a dead letter, e.g. "PoisonDocumentError" (exact, case-insensitive). */
  errorClass?: string | undefined;
  /** Failure reason / exception message of a dead letter, tested against reason patterns. */
  reason?: string | undefined;
  /** Alert kind, e.g. "queue-depth", "group-status", "gap-age", "dlq-growth", "source-down". */
  alertKind?: string | undefined;
  /** Where the problem is: a DLQ name, topic or queue (exact, case-insensitive). */
  source?: string | undefined;
  /** Environment name the problem is in (exact, case-insensitive). */
  environment?: string | undefined;
  /** How many matches to show before "show more"; default 3. */
  limit?: number;
  /** Heading above the list; default "Runbooks". */
  heading?: string;
}

/**
 * The runbooks that apply to a dead letter or an alert, best match first, each
 * with its rendered body in a collapsible section (the best one open).
 * Embed it beside the thing being looked at; it queries runbooks.match itself.
 */
export function MatchingRunbooks({
  errorClass,
  reason,
  alertKind,
  source,
  environment,
  limit = 3,
  heading = 'Runbooks',
}: MatchingRunbooksProps) {
  const matches = useMatchingRunbooks({ errorClass, reason, alertKind, source, environment });
  const [showAll, setShowAll] = useState(false);
  const hasTrigger = Boolean(errorClass?.trim() || reason?.trim() || alertKind?.trim());

  const runbooks = matches.data ?? [];
  const shown = showAll ? runbooks : runbooks.slice(0, limit);

  return (
    <section className="matching-runbooks" data-testid="matching-runbooks" aria-label={heading}>
      <h3 className="matching-runbooks-heading">{heading}</h3>
      {!hasTrigger ? (
        <p className="muted">No error class, reason or alert kind to match runbooks against.</p>
      ) : matches.isPending ? (
        <p className="loading" role="status">
          Finding runbooks…
        </p>
      ) : matches.isError ? (
        <ErrorPanel error={matches.error} onRetry={() => void matches.refetch()} />
      ) : runbooks.length === 0 ? (
        <p className="muted" data-testid="matching-runbooks-none">
          No runbook matches this {alertKind ? 'alert' : 'error'}.
        </p>
      ) : (
        <>
          {shown.map((runbook, index) => (
            <details
              key={runbook.id}
              className="matching-runbook"
              data-testid={`matching-runbook-${runbook.id}`}
              open={index === 0}
            >
              <summary>
                <span className="matching-runbook-title">{runbook.title}</span>
                {runbook.tags.map((tag) => (
                  <span key={tag} className="tag">
                    {tag}
                  </span>
                ))}
              </summary>
              <Markdown source={runbook.body} className="markdown matching-runbook-body" />
              <a className="matching-runbook-open" href={runbookHash(runbook.id)}>
                Open in Runbooks (version {runbook.version})
              </a>
            </details>
          ))}
          {runbooks.length > limit ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => setShowAll((value) => !value)}
            >
              {showAll ? 'Show fewer' : `Show ${runbooks.length - limit} more`}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
