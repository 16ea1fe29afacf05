import type { AuditRecord } from '@shared/contract';
import { ErrorPanel, Loading } from '../../components/Panels';
import { LineDiff } from '../../components/runbooks/LineDiff';
import { useAuditRecord } from '../../queries/audit';
import { diffableJson, formatUtc, operatorLabel, targetLabel } from './auditFormat';

function BeforeAfter({ record }: { record: AuditRecord }) {
  if (record.before === null && record.after === null) {
    return <p className="muted">This action recorded no before or after value.</p>;
  }
  return (
    <LineDiff
      before={diffableJson(record.before)}
      after={diffableJson(record.after)}
      beforeLabel={record.before === null ? 'before (nothing: created)' : 'before'}
      afterLabel={record.after === null ? 'after (nothing: removed)' : 'after'}
      context={4}
      testId="audit-diff"
    />
  );
}

function Facts({ record }: { record: AuditRecord }) {
  return (
    <dl className="facts audit-facts" data-testid="audit-facts">
      <dt>Time (UTC)</dt>
      <dd>{formatUtc(record.time)}</dd>
      <dt>Operator</dt>
      <dd>
        {operatorLabel(record.operator)} on {record.operator.hostName}
      </dd>
      <dt>Environment</dt>
      <dd>
        {record.environment ? (
          <>
            {record.environment.name} <span className="muted">({record.environment.id})</span>
          </>
        ) : (
          '—'
        )}
      </dd>
      <dt>Action</dt>
      <dd className="audit-action">{record.action}</dd>
      <dt>Targets</dt>
      <dd>
        {record.targets.length === 0 ? (
          '—'
        ) : (
          <ul className="audit-targets">
            {record.targets.map((target, index) => (
              <li key={index}>{targetLabel(target)}</li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Result</dt>
      <dd data-testid="audit-detail-result">
        <span className={`audit-result audit-result-${record.result}`}>{record.result}</span>
        {record.errorCode ? <code> {record.errorCode}</code> : null}
        {record.reason ? <div className="audit-reason">{record.reason}</div> : null}
      </dd>
      {record.jobId ? (
        <>
          <dt>Job</dt>
          <dd>
            <code>{record.jobId}</code>
          </dd>
        </>
      ) : null}
      <dt>Hash</dt>
      <dd>
        <code className="audit-hash">{record.hash}</code>
      </dd>
      <dt>Previous hash</dt>
      <dd>
        <code className="audit-hash">{record.prevHash}</code>
      </dd>
    </dl>
  );
}

/** One record in full: who, what, where, the parameters, and before/after as a line diff. */
export function AuditRecordDetail({ seq, onClose }: { seq: number; onClose: () => void }) {
  const query = useAuditRecord(seq);

  return (
    <section className="audit-detail" data-testid="audit-detail" aria-labelledby="audit-detail-h">
      <header className="audit-detail-header">
        <h2 id="audit-detail-h">
          Record #{seq}
          {query.data ? <span className="audit-action"> · {query.data.action}</span> : null}
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close record"
          data-testid="audit-detail-close"
          onClick={onClose}
        >
          ×
        </button>
      </header>
      {query.isPending ? <Loading what={`record #${seq}`} /> : null}
      {query.isError ? (
        <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data ? (
        <>
          <Facts record={query.data} />
          <h3>Parameters</h3>
          {query.data.parameters === null ||
          (typeof query.data.parameters === 'object' &&
            Object.keys(query.data.parameters).length === 0) ? (
            <p className="muted">None.</p>
          ) : (
            <pre className="audit-json" data-testid="audit-parameters">
              {diffableJson(query.data.parameters)}
            </pre>
          )}
          <h3>Before and after</h3>
          <BeforeAfter record={query.data} />
        </>
      ) : null}
    </section>
  );
}
