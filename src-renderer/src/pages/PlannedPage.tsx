import type { PageId } from '../app/routes';
import { pageLabel } from '../app/routes';

type PlannedPageId = Exclude<PageId, 'overview' | 'settings'>;

/** What each page will show once its monitor exists. Stated plainly; nothing is simulated. */
const PLANS: Record<PlannedPageId, string[]> = {
  queues: [
    'Length of each Redis write queue and dead-letter list in the selected environment',
    'How the length moved over the last minutes, and the rate it is filling or draining at',
    'The estimated time until the backlog is drained',
  ],
  lag: [
    'Consumer-group lag per topic and partition',
    'A status per partition evaluated over a window of samples: OK, WARN, STALL, STOP or REWIND',
    'Lag in seconds and the time to drain at the current consumption rate',
  ],
  'sync-gaps': [
    'Rows written to PostgreSQL but not yet indexed (never synced, or changed since their last sync)',
    'The age of the oldest such row and how the gap changes over time',
  ],
  'dead-letters': [
    'Dead letters from Redis lists, Kafka topics and PostgreSQL tables in one list, with the failure reason',
    'Viewing and editing a message, resubmitting it, and replay jobs with dry run, rate limit and cancel',
    'A message leaves a dead-letter queue only after it was delivered',
  ],
  runbooks: ['Step-by-step procedures for common incidents, next to the panels they refer to'],
  audit: [
    'Who did what, when, in which environment, to which data, with the result',
    'Denied and failed attempts as well as successful ones, and export of the report',
  ],
};

export function PlannedPage({ page }: { page: PlannedPageId }) {
  return (
    <div className="page">
      <h1>{pageLabel(page)}</h1>
      <div className="planned" data-testid={`planned-${page}`}>
        <p className="planned-title">Not yet available in this version.</p>
        <p>When it is, this page will show:</p>
        <ul>
          {PLANS[page].map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

export function isPlannedPage(page: PageId): page is PlannedPageId {
  return page !== 'overview' && page !== 'settings';
}
