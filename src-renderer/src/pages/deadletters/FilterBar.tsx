import { useEffect, useState } from 'react';
import type { BrowseFilter, ReasonGroup } from '@shared/contract';
import { localInputToIso } from './format';

/** A value that settles after the operator pauses typing. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

interface TextFilters {
  reason: string;
  key: string;
  text: string;
  from: string;
  to: string;
}

export function FilterBar({
  filter,
  onChange,
  canShowResolved,
}: {
  filter: BrowseFilter;
  onChange: (next: BrowseFilter) => void;
  canShowResolved: boolean;
}) {
  const [texts, setTexts] = useState<TextFilters>({
    reason: '',
    key: '',
    text: '',
    from: '',
    to: '',
  });
  const settled = useDebounced(texts, 300);

  useEffect(() => {
    const next: BrowseFilter = {
      ...filter,
      reason: settled.reason,
      key: settled.key,
      text: settled.text,
      from: localInputToIso(settled.from),
      to: localInputToIso(settled.to),
    };
    if (JSON.stringify(next) !== JSON.stringify(filter)) onChange(next);
    // Only the settled text drives this; the rest of the filter changes through onChange.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settled]);

  const set = (key: keyof TextFilters, value: string) => setTexts((t) => ({ ...t, [key]: value }));

  return (
    <div className="dl-filters" role="search">
      <label className="dl-filter">
        Search payloads
        <input
          type="search"
          value={texts.text}
          onChange={(e) => set('text', e.target.value)}
          placeholder="words in the payload"
          data-testid="dl-filter-text"
        />
      </label>
      <label className="dl-filter">
        Reason contains
        <input
          type="search"
          value={texts.reason}
          onChange={(e) => set('reason', e.target.value)}
          data-testid="dl-filter-reason"
        />
      </label>
      <label className="dl-filter">
        Id / key
        <input type="search" value={texts.key} onChange={(e) => set('key', e.target.value)} />
      </label>
      <label className="dl-filter">
        Failed from
        <input
          type="datetime-local"
          value={texts.from}
          onChange={(e) => set('from', e.target.value)}
        />
      </label>
      <label className="dl-filter">
        to
        <input type="datetime-local" value={texts.to} onChange={(e) => set('to', e.target.value)} />
      </label>
      {canShowResolved ? (
        <label className="dl-filter dl-filter-check">
          <input
            type="checkbox"
            checked={filter.showResolved}
            onChange={(e) => onChange({ ...filter, showResolved: e.target.checked })}
            data-testid="dl-filter-resolved"
          />
          Show resolved
        </label>
      ) : null}
    </div>
  );
}

/** The largest error classes of what the filter matches; a click filters on one. */
export function TopReasons({
  groups,
  selected,
  onToggle,
}: {
  groups: ReasonGroup[];
  selected: string[];
  onToggle: (errorClass: string) => void;
}) {
  if (groups.length === 0) return null;
  return (
    <div className="dl-reasons" aria-label="Top reasons" data-testid="dl-top-reasons">
      {groups.map((group) => {
        const name = group.errorClass ?? '';
        const active = selected.includes(name);
        return (
          <button
            key={name || '(none)'}
            type="button"
            className={active ? 'dl-reason active' : 'dl-reason'}
            onClick={() => onToggle(name)}
            title={group.sampleReason ?? undefined}
            aria-pressed={active}
            data-testid={`dl-reason-${name || 'none'}`}
          >
            <span className="dl-reason-class">{group.errorClass ?? '(no error class)'}</span>
            <span className="dl-reason-count">{group.count.toLocaleString('en')}</span>
          </button>
        );
      })}
    </div>
  );
}
