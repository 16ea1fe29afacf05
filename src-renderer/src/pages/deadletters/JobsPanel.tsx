import type { EnvironmentView, ReplayJob } from '@shared/contract';
import { ErrorPanel } from '../../components/Panels';
import { useJobControl, useReplayJobs } from '../../queries/deadletters';
import { formatTime } from './format';

const STATUS_CLASS: Record<ReplayJob['status'], string> = {
  RUNNING: 'dl-status-running',
  PAUSED: 'dl-status-paused',
  COMPLETED: 'dl-status-completed',
  CANCELLING: 'dl-status-paused',
  CANCELLED: 'dl-status-cancelled',
  FAILED: 'dl-status-failed',
};

function JobRow({ job, readOnly }: { job: ReplayJob; readOnly: boolean }) {
  const control = useJobControl();
  const done = job.moved + job.skipped + job.failed;
  const act = (action: 'pause' | 'resume' | 'cancel') => control.mutate({ jobId: job.id, action });
  return (
    <li className="dl-job" data-testid={`dl-job-${job.id}`} data-status={job.status}>
      <div className="dl-job-head">
        <span className={`dl-status ${STATUS_CLASS[job.status]}`} data-testid="dl-job-status">
          {job.status}
        </span>
        <span>
          {job.sourceName} → {job.targets.join(', ')}
        </span>
        <span className="muted">
          {formatTime(job.createdAt)} by {job.operator}
        </span>
      </div>
      <progress max={Math.max(job.total, 1)} value={done} aria-label="progress" />
      <div className="dl-job-counts" data-testid="dl-job-counts">
        {job.moved.toLocaleString('en')} moved
        {job.skipped > 0 ? `, ${job.skipped.toLocaleString('en')} already gone` : ''}
        {job.failed > 0 ? `, ${job.failed.toLocaleString('en')} refused (still dead)` : ''} of{' '}
        {job.total.toLocaleString('en')}
        {job.status === 'RUNNING' ? ` · ${job.throughput.toLocaleString('en')}/s` : ''}
        {job.ratePerSecond !== null ? ` · limit ${job.ratePerSecond.toLocaleString('en')}/s` : ''}
      </div>
      {job.cause && (job.status === 'PAUSED' || job.status === 'CANCELLING') ? (
        <p className="dl-warning" data-testid="dl-job-cause">
          {job.cause === 'operator'
            ? 'Paused by the operator.'
            : `Paused: ${job.cause}. It resumes by itself when the server answers again.`}
        </p>
      ) : null}
      {job.failureReason ? <p className="field-error">Failed: {job.failureReason}</p> : null}
      <details className="dl-details">
        <summary>How delivery works</summary>
        <p className="muted">{job.delivery}</p>
        {job.notes.map((note) => (
          <p key={note} className="muted">
            {note}
          </p>
        ))}
        <p className="muted">Cancelling stops after the current batch; what moved stays moved.</p>
      </details>
      {control.error ? <ErrorPanel error={control.error} /> : null}
      <div className="dl-job-actions">
        {job.status === 'RUNNING' ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => act('pause')}
            disabled={readOnly}
          >
            Pause
          </button>
        ) : null}
        {job.status === 'PAUSED' || job.status === 'FAILED' ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => act('resume')}
            disabled={readOnly}
          >
            Resume
          </button>
        ) : null}
        {job.status === 'RUNNING' || job.status === 'PAUSED' || job.status === 'FAILED' ? (
          <button
            type="button"
            className="button button-small button-danger"
            onClick={() => act('cancel')}
            disabled={readOnly}
          >
            Cancel
          </button>
        ) : null}
      </div>
    </li>
  );
}

export function JobsPanel({ environment }: { environment: EnvironmentView }) {
  const jobs = useReplayJobs(environment.id);
  if (jobs.isError) return <ErrorPanel error={jobs.error} onRetry={() => jobs.refetch()} />;
  const list = jobs.data ?? [];
  if (list.length === 0) return null;
  return (
    <section className="dl-jobs card" aria-label="Replay jobs" data-testid="dl-jobs">
      <h2>Replay jobs</h2>
      <ul className="dl-jobs-ul">
        {list.map((job) => (
          <JobRow key={job.id} job={job} readOnly={environment.readOnly} />
        ))}
      </ul>
    </section>
  );
}
