import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { BrowseFilter, DeadLetterRow } from '@shared/contract';
import { useApi } from '../../api/ApiContext';
import { PAGE_SIZE, deadLetterKeys } from '../../queries/deadletters';
import { formatBytes, formatTime } from './format';

const ROW_HEIGHT = 34;

/**
 * A virtualized list of every matching entry: only the rows in view exist in
 * the page, and only the pages of 100 they fall in are fetched, so a million
 * entries scroll like a hundred.
 */
export function EntryTable({
  sourceId,
  filter,
  total,
  selected,
  onToggle,
  openKey,
  onOpen,
}: {
  sourceId: string;
  filter: BrowseFilter;
  total: number;
  selected: ReadonlySet<string>;
  onToggle: (key: string) => void;
  openKey: string | null;
  onOpen: (key: string) => void;
}) {
  const api = useApi();
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });
  const items = virtualizer.getVirtualItems();
  const pages = [...new Set(items.map((item) => Math.floor(item.index / PAGE_SIZE)))];
  const results = useQueries({
    queries: pages.map((page) => ({
      queryKey: deadLetterKeys.page(sourceId, filter, page * PAGE_SIZE, PAGE_SIZE),
      queryFn: () =>
        api.invoke('deadletters.browse', {
          sourceId,
          filter,
          offset: page * PAGE_SIZE,
          limit: PAGE_SIZE,
        }),
      staleTime: 2000,
      placeholderData: keepPreviousData,
    })),
  });
  const rowAt = (index: number): DeadLetterRow | undefined => {
    const page = Math.floor(index / PAGE_SIZE);
    const result = results[pages.indexOf(page)];
    const data = result?.data;
    if (!data || data.offset !== page * PAGE_SIZE) return undefined;
    return data.rows[index - data.offset];
  };

  return (
    <div className="dl-table" role="table" aria-label="Dead letters" aria-rowcount={total}>
      <div className="dl-row dl-row-head" role="row">
        <span role="columnheader" />
        <span role="columnheader">Id / key</span>
        <span role="columnheader">Error class</span>
        <span role="columnheader">Reason</span>
        <span role="columnheader">First failure</span>
        <span role="columnheader">Last failure</span>
        <span role="columnheader" className="num">
          Attempts
        </span>
        <span role="columnheader">Source</span>
        <span role="columnheader" className="num">
          Size
        </span>
      </div>
      <div className="dl-table-scroll" ref={scrollRef} data-testid="dl-table-scroll">
        <div className="dl-table-inner" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rowAt(item.index);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={
                  row && row.key === openKey ? 'dl-row dl-row-body open' : 'dl-row dl-row-body'
                }
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                data-testid={row ? `dl-row-${row.key}` : undefined}
                data-external-id={row?.externalId ?? undefined}
                onClick={() => row && onOpen(row.key)}
              >
                {row ? (
                  <>
                    <span role="cell" onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        aria-label={`select ${row.externalId ?? row.key}`}
                        checked={selected.has(row.key)}
                        onChange={() => onToggle(row.key)}
                      />
                    </span>
                    <span role="cell" className="dl-mono" title={row.externalId ?? row.key}>
                      {row.externalId ?? row.key}
                      {row.edited ? <span className="badge dl-badge-edited">edited</span> : null}
                      {row.resolved ? (
                        <span className="badge dl-badge-resolved">{row.resolved.kind}</span>
                      ) : null}
                    </span>
                    <span role="cell" title={row.errorClass ?? ''}>
                      {row.errorClass ?? '—'}
                    </span>
                    <span role="cell" title={row.reason ?? ''}>
                      {row.reason ?? '—'}
                    </span>
                    <span role="cell">{formatTime(row.firstFailedAt)}</span>
                    <span role="cell">{formatTime(row.lastFailedAt)}</span>
                    <span role="cell" className="num">
                      {row.attempts ?? '—'}
                    </span>
                    <span role="cell" className="dl-mono" title={row.origin ?? ''}>
                      {row.origin ?? '—'}
                    </span>
                    <span role="cell" className="num">
                      {formatBytes(row.size)}
                    </span>
                  </>
                ) : (
                  <span role="cell" className="muted dl-row-loading">
                    …
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
