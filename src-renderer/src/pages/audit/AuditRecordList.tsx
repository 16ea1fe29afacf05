import { useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { AuditFilter, AuditRecordSummary } from '@shared/contract';
import { ErrorPanel, Loading } from '../../components/Panels';
import { auditKeys, useAuditHead, useAuditRecords } from '../../queries/audit';
import { formatCount, formatUtc, operatorLabel, targetsLabel } from './auditFormat';

const ROW_HEIGHT = 34;
/** Fetch the next page once the view is this close to the end of what is loaded. */
const PREFETCH_ROWS = 40;

interface Props {
  filter: AuditFilter;
  /** List records below this sequence number; undefined for the newest. */
  from: number | undefined;
  selectedSeq: number | null;
  onSelect: (seq: number) => void;
  filtered: boolean;
}

function ResultBadge({ record }: { record: AuditRecordSummary }) {
  return (
    <span className={`audit-result audit-result-${record.result}`} title={record.reason ?? ''}>
      {record.result}
      {/* "denied · DENIED" says nothing twice; other codes (UNAVAILABLE, …) add the cause. */}
      {record.errorCode && record.errorCode.toLowerCase() !== record.result
        ? ` · ${record.errorCode}`
        : ''}
    </span>
  );
}

/**
 * The records, newest first, in a virtualized list: only the rows on screen
 * exist in the DOM, and pages are fetched with the keyset cursor as the
 * operator scrolls, so a log of millions stays as quick as one of ten.
 */
export function AuditRecordList({ filter, from, selectedSeq, onSelect, filtered }: Props) {
  const queryClient = useQueryClient();
  const records = useAuditRecords(filter, from);
  const head = useAuditHead();
  const scrollRef = useRef<HTMLDivElement>(null);
  const { data, hasNextPage, isFetchingNextPage, fetchNextPage, isPlaceholderData } = records;

  const rows = useMemo(() => data?.pages.flatMap((page) => page.records) ?? [], [data]);
  const snapshotSeq = data?.pages[0]?.snapshotSeq;
  const lastCursor = data?.pages[data.pages.length - 1]?.nextCursor ?? null;
  const appended =
    from === undefined && snapshotSeq !== undefined && head.data ? head.data.seq - snapshotSeq : 0;

  // TanStack Virtual keeps its measurements in a mutable instance; the list
  // re-renders from it on scroll, which is exactly what is wanted here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: hasNextPage ? rows.length + 1 : rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastVisible = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (
      hasNextPage &&
      !isFetchingNextPage &&
      !isPlaceholderData &&
      lastVisible >= rows.length - PREFETCH_ROWS
    ) {
      void fetchNextPage();
    }
  }, [hasNextPage, isFetchingNextPage, isPlaceholderData, lastVisible, rows.length, fetchNextPage]);

  // A new filter or starting point starts at the top of its list.
  const listKey = `${JSON.stringify(filter)}:${from ?? ''}`;
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [listKey]);

  const selectedIndex = selectedSeq === null ? -1 : rows.findIndex((r) => r.seq === selectedSeq);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step =
      event.key === 'ArrowDown'
        ? 1
        : event.key === 'ArrowUp'
          ? -1
          : event.key === 'PageDown'
            ? 15
            : event.key === 'PageUp'
              ? -15
              : 0;
    if (step === 0 || rows.length === 0) return;
    event.preventDefault();
    const next = Math.min(
      rows.length - 1,
      Math.max(0, (selectedIndex === -1 ? -1 : selectedIndex) + step),
    );
    onSelect(rows[next]!.seq);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const showNewest = () => {
    void queryClient.resetQueries({ queryKey: ['audit', 'records'] });
    void queryClient.invalidateQueries({ queryKey: auditKeys.facets });
  };

  if (records.isPending) return <Loading what="audit records" />;
  if (records.isError) {
    return <ErrorPanel error={records.error} onRetry={() => void records.refetch()} />;
  }

  return (
    <div className="audit-list-wrap">
      {appended > 0 ? (
        <div className="audit-appended" role="status" data-testid="audit-appended">
          {formatCount(appended)} record{appended === 1 ? '' : 's'} appended since this list was
          loaded.
          <button
            type="button"
            className="button button-small"
            data-testid="audit-show-newest"
            onClick={showNewest}
          >
            Show them
          </button>
        </div>
      ) : null}
      <div className="audit-table" role="table" aria-label="Audit records" aria-rowcount={-1}>
        <div className="audit-row audit-row-header" role="row">
          <span role="columnheader">#</span>
          <span role="columnheader">Time (UTC)</span>
          <span role="columnheader">Operator</span>
          <span role="columnheader">Environment</span>
          <span role="columnheader">Action</span>
          <span role="columnheader">Targets</span>
          <span role="columnheader">Result</span>
        </div>
        <div
          ref={scrollRef}
          className={isPlaceholderData ? 'audit-scroll audit-stale' : 'audit-scroll'}
          data-testid="audit-list"
          tabIndex={0}
          aria-label="Audit records; arrow keys move the selection"
          onKeyDown={onKeyDown}
        >
          {rows.length === 0 && !hasNextPage ? (
            <p className="audit-empty muted" data-testid="audit-empty">
              {filtered ? 'No record matches these filters.' : 'The audit log is empty.'}
            </p>
          ) : null}
          <div
            className="audit-rows"
            style={{ height: virtualizer.getTotalSize() }}
            role="rowgroup"
          >
            {items.map((item) => {
              const record = rows[item.index];
              if (!record) {
                return (
                  <div
                    key="loader"
                    className="audit-row audit-row-loader muted"
                    role="row"
                    style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  >
                    <span role="cell">
                      {lastCursor !== null
                        ? `Searching older records (below #${formatCount(lastCursor)})…`
                        : 'Loading…'}
                    </span>
                  </div>
                );
              }
              const selected = record.seq === selectedSeq;
              return (
                <div
                  key={record.seq}
                  className={`audit-row${selected ? ' selected' : ''}`}
                  role="row"
                  aria-selected={selected}
                  data-testid={`audit-row-${record.seq}`}
                  data-action={record.action}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  onClick={() => onSelect(record.seq)}
                >
                  <span role="cell" className="audit-seq">
                    {record.seq}
                  </span>
                  <span role="cell" title={record.time}>
                    {formatUtc(record.time)}
                  </span>
                  <span
                    role="cell"
                    title={`${operatorLabel(record.operator)} @ ${record.operator.hostName}`}
                  >
                    {operatorLabel(record.operator)}
                  </span>
                  <span role="cell" title={record.environment?.id ?? ''}>
                    {record.environment?.name ?? '—'}
                  </span>
                  <span role="cell" className="audit-action">
                    {record.action}
                  </span>
                  <span role="cell" title={targetsLabel(record.targets)}>
                    {targetsLabel(record.targets) || '—'}
                  </span>
                  <span role="cell">
                    <ResultBadge record={record} />
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <p className="audit-list-status muted" data-testid="audit-list-status">
        {formatCount(rows.length)} record{rows.length === 1 ? '' : 's'} loaded
        {from !== undefined ? ` below #${formatCount(from)}` : ''}
        {hasNextPage ? ' · scroll for older ones' : ' · nothing older'}
        {isFetchingNextPage ? ' · loading…' : ''}
      </p>
    </div>
  );
}
