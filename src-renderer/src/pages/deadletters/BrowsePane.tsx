import { useState } from 'react';
import {
  browseFilterSchema,
  type BrowseFilter,
  type DeadLetterSourceView,
  type EnvironmentView,
  type Selection,
} from '@shared/contract';
import { ErrorPanel } from '../../components/Panels';
import { useDeadLetterPage, useRefreshIndex, useTopReasons } from '../../queries/deadletters';
import { DiscardDialog } from './DiscardDialog';
import { EntryDetail } from './EntryDetail';
import { EntryTable } from './EntryTable';
import { FilterBar, TopReasons } from './FilterBar';
import { formatTime } from './format';
import { ReplayDialog } from './ReplayDialog';
import { describeSource } from './sourceFormModel';

type Action = { kind: 'replay' | 'discard'; selection: Selection; count: number };

/** Browse one source: filters, top reasons, the virtualized list, detail and bulk actions. */
export function BrowsePane({
  environment,
  source,
}: {
  environment: EnvironmentView;
  source: DeadLetterSourceView;
}) {
  const [filter, setFilter] = useState<BrowseFilter>(() => browseFilterSchema.parse({}));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [openKey, setOpenKey] = useState<string | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const first = useDeadLetterPage(source.id, filter, 0);
  // Grouped without the class filter, so the other classes stay one click away.
  const reasons = useTopReasons(source.id, { ...filter, errorClasses: [] });
  const refresh = useRefreshIndex();
  const total = first.data?.total ?? 0;
  const index = first.data?.index;
  const readOnly = environment.readOnly;

  const changeFilter = (next: BrowseFilter) => {
    setFilter(next);
    setSelected(new Set());
  };
  const toggle = (key: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const toggleClass = (name: string) =>
    changeFilter({
      ...filter,
      errorClasses: filter.errorClasses.includes(name)
        ? filter.errorClasses.filter((c) => c !== name)
        : [name],
    });
  const keys: Selection = { kind: 'keys', keys: [...selected] };
  const everything: Selection = { kind: 'filter', filter };

  return (
    <div className="dl-browse" data-testid="dl-browse">
      <div className="dl-section-head">
        <h2>
          {source.name} <span className="muted dl-source-kind">{describeSource(source)}</span>
        </h2>
        {index && index.state !== 'live' ? (
          <span className="muted dl-index" data-testid="dl-index-state">
            {index.state === 'syncing'
              ? 'reading new entries…'
              : index.state === 'down'
                ? `cannot read: ${index.error ?? ''}`
                : `as of ${formatTime(index.syncedAt)}`}{' '}
            <button
              type="button"
              className="button button-small"
              onClick={() => refresh.mutate(source.id)}
              disabled={refresh.isPending}
            >
              Refresh
            </button>
          </span>
        ) : null}
      </div>
      <FilterBar
        filter={filter}
        onChange={changeFilter}
        canShowResolved={source.capabilities.showsResolved}
      />
      {reasons.data ? (
        <TopReasons groups={reasons.data} selected={filter.errorClasses} onToggle={toggleClass} />
      ) : null}
      <div className="dl-toolbar">
        <span data-testid="dl-total">
          {total.toLocaleString('en')} {total === 1 ? 'entry' : 'entries'}
          {selected.size > 0 ? ` · ${selected.size} selected` : ''}
        </span>
        <button
          type="button"
          className="button button-small button-primary"
          disabled={readOnly || selected.size === 0}
          onClick={() => setAction({ kind: 'replay', selection: keys, count: selected.size })}
          data-testid="dl-replay-selected"
        >
          Replay selected
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={readOnly || total === 0}
          onClick={() => setAction({ kind: 'replay', selection: everything, count: total })}
          data-testid="dl-replay-all"
        >
          Replay all {total.toLocaleString('en')}
        </button>
        <button
          type="button"
          className="button button-small button-danger"
          disabled={readOnly || selected.size === 0}
          onClick={() => setAction({ kind: 'discard', selection: keys, count: selected.size })}
        >
          Discard selected
        </button>
        <button
          type="button"
          className="button button-small button-danger"
          disabled={readOnly || total === 0}
          onClick={() => setAction({ kind: 'discard', selection: everything, count: total })}
        >
          Discard all {total.toLocaleString('en')}
        </button>
        {readOnly ? <span className="badge badge-readonly">read-only</span> : null}
      </div>
      {first.isError ? <ErrorPanel error={first.error} onRetry={() => first.refetch()} /> : null}
      <EntryTable
        sourceId={source.id}
        filter={filter}
        total={total}
        selected={selected}
        onToggle={toggle}
        openKey={openKey}
        onOpen={setOpenKey}
      />
      {openKey ? (
        <EntryDetail
          key={openKey}
          environment={environment}
          source={source}
          entryKey={openKey}
          onClose={() => setOpenKey(null)}
          onReplay={(selection) => setAction({ kind: 'replay', selection, count: 1 })}
          onDiscard={(selection) => setAction({ kind: 'discard', selection, count: 1 })}
        />
      ) : null}
      {action?.kind === 'replay' ? (
        <ReplayDialog
          environment={environment}
          source={source}
          selection={action.selection}
          onClose={() => setAction(null)}
        />
      ) : null}
      {action?.kind === 'discard' ? (
        <DiscardDialog
          environment={environment}
          source={source}
          selection={action.selection}
          count={action.count}
          onClose={() => {
            setAction(null);
            setSelected(new Set());
          }}
        />
      ) : null}
    </div>
  );
}
