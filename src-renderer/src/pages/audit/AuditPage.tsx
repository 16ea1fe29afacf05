import { useMemo, useState } from 'react';
import { useAppInfo } from '../../queries/app';
import { useAuditFacets } from '../../queries/audit';
import { useDebouncedValue } from '../runbooks/useDebouncedValue';
import { AuditChain } from './AuditChain';
import { AuditExport } from './AuditExport';
import { EMPTY_AUDIT_FILTER, filterFromForm, isFiltered } from './auditFilterModel';
import { AuditFilters } from './AuditFilters';
import { AuditRecordDetail } from './AuditRecordDetail';
import { AuditRecordList } from './AuditRecordList';

export function AuditPage() {
  const [form, setForm] = useState(EMPTY_AUDIT_FILTER);
  // Typed fields query once the typing pauses, not per keystroke; pickers apply at once.
  const typed = useMemo(
    () => ({ target: form.target, from: form.from, to: form.to }),
    [form.target, form.from, form.to],
  );
  const settledTyped = useDebouncedValue(typed, 300);
  const settledForm = useMemo(() => ({ ...form, ...settledTyped }), [form, settledTyped]);
  const { filter, problems } = useMemo(() => filterFromForm(settledForm), [settledForm]);
  const [from, setFrom] = useState<number | undefined>(undefined);
  const [jumpText, setJumpText] = useState('');
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const facets = useAuditFacets();
  const info = useAppInfo();

  /**
   * Lists from one record down, with the filters cleared so it is there, and
   * opens it (the cursor lists records below it, hence seq + 1).
   */
  const showRecord = (seq: number) => {
    setForm(EMPTY_AUDIT_FILTER);
    setFrom(seq + 1);
    setSelectedSeq(seq);
  };

  const jump = () => {
    const seq = Number(jumpText.replace(/[#,\s]/g, ''));
    if (Number.isInteger(seq) && seq > 0) showRecord(seq);
  };

  return (
    <div className="page audit-page">
      <div className="page-title-row">
        <h1>Audit</h1>
        <form
          className="audit-jump"
          onSubmit={(event) => {
            event.preventDefault();
            jump();
          }}
        >
          <label htmlFor="audit-jump">Go to #</label>
          <input
            id="audit-jump"
            data-testid="audit-jump"
            inputMode="numeric"
            placeholder="sequence number"
            value={jumpText}
            onChange={(event) => setJumpText(event.target.value)}
          />
          <button type="submit" className="button button-small">
            Go
          </button>
          {from !== undefined ? (
            <button
              type="button"
              className="button button-small"
              data-testid="audit-back-to-newest"
              onClick={() => {
                setFrom(undefined);
                setJumpText('');
              }}
            >
              Back to newest
            </button>
          ) : null}
        </form>
      </div>
      <AuditChain onShowRecord={showRecord} />
      <AuditFilters form={form} problems={problems} facets={facets.data} onChange={setForm} />
      <AuditExport
        filter={filter}
        filterProblem={Object.keys(problems).length > 0}
        browserMode={info.data?.mode === 'browser'}
      />
      <div className={selectedSeq !== null ? 'audit-layout with-detail' : 'audit-layout'}>
        <AuditRecordList
          filter={filter}
          from={from}
          selectedSeq={selectedSeq}
          onSelect={setSelectedSeq}
          filtered={isFiltered(settledForm)}
        />
        {selectedSeq !== null ? (
          <AuditRecordDetail
            key={selectedSeq}
            seq={selectedSeq}
            onClose={() => setSelectedSeq(null)}
          />
        ) : null}
      </div>
    </div>
  );
}
