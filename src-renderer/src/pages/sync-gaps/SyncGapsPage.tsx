import { useState } from 'react';
import type { GapRow, MonitoringSnapshot } from '@shared/contract';
import { Loading } from '../../components/Panels';
import { useHistory } from '../../queries/monitoring';
import { AlertList } from '../monitoring/AlertList';
import {
  formatCost,
  formatCount,
  formatSeconds,
  formatSince,
  formatTrend,
} from '../monitoring/format';
import { MonitoringFrame } from '../monitoring/MonitoringFrame';
import { ServerBanner } from '../monitoring/ServerHealth';
import { TimeSeriesChart, seriesFromHistory } from '../monitoring/TimeSeriesChart';
import { HistoryCard, useChartWindow } from '../monitoring/WindowPicker';

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button button-small"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

function PlanCell({ row }: { row: GapRow }) {
  const plan = row.plan;
  if (!plan) return <span className="muted">—</span>;
  return (
    <div className="plan" data-testid="gap-plan">
      <div>
        cost {formatCost(plan.totalCost)} · {plan.nodeTypes.join(' → ')}
        {plan.seqScan ? <span className="plan-warning"> · reads the whole table</span> : null}
      </div>
      {plan.existingIndex ? (
        <div className="muted">
          uses index <code>{plan.existingIndex}</code>
          {plan.seqScan ? ' (the planner prefers a scan at this table size)' : ''}
        </div>
      ) : null}
      {plan.suggestedIndex ? (
        <div className="suggested-index" data-testid="suggested-index">
          <div>Suggested index (a partial index that holds only the rows in the gap):</div>
          <pre>{plan.suggestedIndex}</pre>
          <CopyButton text={plan.suggestedIndex} />
        </div>
      ) : null}
      <div className="muted">plan read at {formatSince(plan.checkedAt)}</div>
    </div>
  );
}

function GapTable({ rows }: { rows: GapRow[] }) {
  return (
    <table className="table" data-testid="gap-table">
      <thead>
        <tr>
          <th scope="col">Table</th>
          <th scope="col" className="num">
            Not synced
          </th>
          <th scope="col" className="num">
            Oldest
          </th>
          <th scope="col" className="num">
            Growth
          </th>
          <th scope="col" className="num">
            Query
          </th>
          <th scope="col">Plan</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.table} data-testid={`gap-row-${row.table}`}>
            <th scope="row">
              <code>{row.table}</code>
              {row.error ? <div className="field-error">{row.error}</div> : null}
            </th>
            <td className="num" data-testid="gap-count">
              {formatCount(row.count)}
            </td>
            <td className="num" data-testid="gap-age">
              {row.count === 0 ? '—' : formatSeconds(row.oldestAgeSeconds)}
            </td>
            <td
              className={
                row.growthPerSecond !== null && row.growthPerSecond > 0 ? 'num trend-up' : 'num'
              }
            >
              {formatTrend(row.growthPerSecond)}
            </td>
            <td className="num">{row.queryMs === null ? '—' : `${row.queryMs} ms`}</td>
            <td>
              <PlanCell row={row} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function GapCharts({
  environmentId,
  snapshot,
}: {
  environmentId: string;
  snapshot: MonitoringSnapshot;
}) {
  const [chartWindow, setChartWindow] = useChartWindow();
  const tables = snapshot.gaps.map((g) => g.table);
  const count = useHistory(
    environmentId,
    chartWindow,
    tables.map((key) => ({ metric: 'gap.count', key })),
  );
  const age = useHistory(
    environmentId,
    chartWindow,
    tables.map((key) => ({ metric: 'gap.oldestAge', key })),
  );
  const range = count.data ?? age.data;
  if (!range) return <Loading what="history" />;
  const { from, to } = range;
  return (
    <HistoryCard title="History" chartWindow={chartWindow} onWindowChange={setChartWindow}>
      <TimeSeriesChart
        title="Rows not synced"
        series={seriesFromHistory(count.data)}
        from={from}
        to={to}
        testId="chart-gap-count"
      />
      <TimeSeriesChart
        title="Age of the oldest row not synced"
        unit=" s"
        series={seriesFromHistory(age.data)}
        from={from}
        to={to}
      />
    </HistoryCard>
  );
}

/** Rows written to PostgreSQL but not yet synced: count, oldest age, growth, and the query plan behind them. */
export function SyncGapsPage() {
  return (
    <MonitoringFrame title="Sync gaps">
      {(snapshot, environment) => (
        <>
          <ServerBanner health={snapshot.servers.find((s) => s.server === 'postgres')} />
          {snapshot.gaps.length > 0 ? <GapTable rows={snapshot.gaps} /> : null}
          {snapshot.gaps.length > 0 ? (
            <p className="muted">
              Growth is the change per second over the monitoring window (— until two samples
              exist).
            </p>
          ) : null}
          {snapshot.gaps.length > 0 ? (
            <GapCharts environmentId={environment.id} snapshot={snapshot} />
          ) : null}
          <AlertList environmentId={environment.id} />
        </>
      )}
    </MonitoringFrame>
  );
}
