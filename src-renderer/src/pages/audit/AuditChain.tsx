import type { AuditVerifyResult } from '@shared/contract';
import { ErrorPanel } from '../../components/Panels';
import { useAuditHead, useVerifyAudit } from '../../queries/audit';
import { formatCount, formatUtc } from './auditFormat';

function VerifyOutcome({
  result,
  onShow,
}: {
  result: AuditVerifyResult;
  onShow: (seq: number) => void;
}) {
  if (result.ok) {
    return (
      <p className="audit-verify audit-verify-ok" role="status" data-testid="audit-verify-result">
        Chain intact: {formatCount(result.count)} record{result.count === 1 ? '' : 's'} verified up
        to #{formatCount(result.head.seq)} in {Math.round(result.elapsedMs)} ms.
      </p>
    );
  }
  return (
    <p className="audit-verify audit-verify-broken" role="alert" data-testid="audit-verify-result">
      Chain broken at #{formatCount(result.brokenAt)} ({result.reason}); the{' '}
      {formatCount(result.count)} record{result.count === 1 ? '' : 's'} before it verified.{' '}
      <button
        type="button"
        className="button button-small"
        data-testid="audit-show-broken"
        onClick={() => onShow(result.brokenAt)}
      >
        Show #{formatCount(result.brokenAt)}
      </button>
    </p>
  );
}

/**
 * The hash chain: its head (the hash every export carries) and a check that
 * recomputes every link, naming the first record that does not verify.
 */
export function AuditChain({ onShowRecord }: { onShowRecord: (seq: number) => void }) {
  const head = useAuditHead();
  const verify = useVerifyAudit();

  return (
    <section className="card audit-chain" data-testid="audit-chain" aria-label="Hash chain">
      <div className="audit-chain-head">
        <span className="muted">Chain head</span>
        {head.data ? (
          <>
            <strong data-testid="audit-head-seq">#{formatCount(head.data.seq)}</strong>
            <code className="audit-hash" data-testid="audit-head-hash" title="SHA-256 chain head">
              {head.data.hash}
            </code>
            {head.data.time ? (
              <span className="muted" title={head.data.time}>
                {formatUtc(head.data.time)} UTC
              </span>
            ) : (
              <span className="muted">empty log</span>
            )}
          </>
        ) : head.isError ? (
          <ErrorPanel error={head.error} onRetry={() => void head.refetch()} />
        ) : (
          <span className="muted">…</span>
        )}
        <button
          type="button"
          className="button audit-verify-button"
          data-testid="audit-verify"
          disabled={verify.isPending}
          onClick={() => verify.mutate()}
        >
          {verify.isPending ? 'Verifying…' : 'Verify chain'}
        </button>
      </div>
      {verify.isError ? <ErrorPanel error={verify.error} /> : null}
      {verify.data && !verify.isPending ? (
        <VerifyOutcome result={verify.data} onShow={onShowRecord} />
      ) : null}
    </section>
  );
}
