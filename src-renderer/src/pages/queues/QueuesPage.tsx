import type { MonitoringSnapshot, QueueRow } from '@shared/contract';
import { Loading } from '../../components/Panels';
import { useHistory, type SeriesRef } from '../../queries/monitoring';
import { AlertList } from '../monitoring/AlertList';
import { formatCount, formatRate, formatTrend } from '../monitoring/format';
import { MonitoringFrame } from '../monitoring/MonitoringFrame';
import { ServerBanner } from '../monitoring/ServerHealth';
import { TimeSeriesChart, seriesFromHistory } from '../monitoring/TimeSeriesChart';
import { HistoryCard, useChartWindow } from '../monitoring/WindowPicker';

function RateCell({ row, value }: { row: QueueRow; value: number | null }) {
  if (value === null) return <td className="num muted">—</td>;
  // Depth changes alone only bound the rates from below: say so.
  const bound = row.rateBasis === 'depth-change';
  return (
    <td
      className="num"
      title={
        bound
          ? 'from depth changes: a lower bound (configure an in counter for exact rates)'
          : 'from counters'
      }
    >
      {bound ? '≥ ' : ''}
      {formatRate(value)}
    </td>
  );
}

function QueueTable({ rows }: { rows: QueueRow[] }) {
  return (
    <table className="table" data-testid="queue-table">
      <thead>
        <tr>
          <th scope="col">List</th>
          <th scope="col">Role</th>
          <th scope="col" className="num">
            Depth
          </th>
          <th scope="col" className="num">
            In
          </th>
          <th scope="col" className="num">
            Out
          </th>
          <th scope="col" className="num">
            Trend
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.role}:${row.key}`} data-testid={`queue-row-${row.key}`}>
            <th scope="row">
              <code>{row.key}</code>
              {row.error ? <div className="field-error">{row.error}</div> : null}
            </th>
            <td>{row.role === 'queue' ? 'queue' : `dead letters of ${row.queueKey ?? ''}`}</td>
            <td className="num" data-testid="queue-depth">
              {formatCount(row.depth)}
            </td>
            <RateCell row={row} value={row.inRate} />
            <RateCell row={row} value={row.outRate} />
            <td className={row.trend !== null && row.trend > 0 ? 'num trend-up' : 'num'}>
              {formatTrend(row.trend)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function QueueCharts({
  environmentId,
  snapshot,
}: {
  environmentId: string;
  snapshot: MonitoringSnapshot;
}) {
  const [chartWindow, setChartWindow] = useChartWindow();
  const queues = snapshot.queues.filter((q) => q.role === 'queue');
  const deadLetters = snapshot.queues.filter((q) => q.role === 'dead-letter');
  const depthSeries: SeriesRef[] = queues.map((q) => ({ metric: 'queue.depth', key: q.key }));
  const dlqSeries: SeriesRef[] = deadLetters.map((q) => ({ metric: 'dlq.depth', key: q.key }));
  const rateSeries: SeriesRef[] = queues.flatMap((q) => [
    { metric: 'queue.inRate' as const, key: q.key },
    { metric: 'queue.outRate' as const, key: q.key },
  ]);
  const depth = useHistory(environmentId, chartWindow, depthSeries);
  const dlq = useHistory(environmentId, chartWindow, dlqSeries);
  const rates = useHistory(environmentId, chartWindow, rateSeries);
  const range = depth.data ?? dlq.data ?? rates.data;
  if (!range) return <Loading what="history" />;
  const { from, to } = range;
  return (
    <HistoryCard title="History" chartWindow={chartWindow} onWindowChange={setChartWindow}>
      <TimeSeriesChart
        title="Queue depth"
        series={seriesFromHistory(depth.data)}
        from={from}
        to={to}
        testId="chart-queue-depth"
      />
      {dlqSeries.length > 0 ? (
        <TimeSeriesChart
          title="Dead letters"
          series={seriesFromHistory(dlq.data)}
          from={from}
          to={to}
          testId="chart-dlq-depth"
        />
      ) : null}
      <TimeSeriesChart
        title="In and out rates"
        unit="/s"
        series={(rates.data?.series ?? []).map((s) => ({
          label: `${s.key} ${s.metric === 'queue.inRate' ? 'in' : 'out'}`,
          points: s.points,
        }))}
        from={from}
        to={to}
        testId="chart-queue-rates"
      />
    </HistoryCard>
  );
}

/** Redis write queues and dead-letter lists: depth, rates, history, and the source's health. */
export function QueuesPage() {
  return (
    <MonitoringFrame title="Queues">
      {(snapshot, environment) => {
        const health = snapshot.servers.find((s) => s.server === 'redis');
        return (
          <>
            <ServerBanner health={health} />
            {snapshot.queues.length > 0 ? <QueueTable rows={snapshot.queues} /> : null}
            {snapshot.streams.length > 0 ? (
              <table className="table" data-testid="stream-table">
                <thead>
                  <tr>
                    <th scope="col">Stream</th>
                    <th scope="col" className="num">
                      Length
                    </th>
                    <th scope="col">Pending per group</th>
                  </tr>
                </thead>
                <tbody>
                  {snapshot.streams.map((stream, index) => (
                    <tr key={`${stream.key}-${index}`}>
                      <th scope="row">
                        <code>{stream.key}</code>
                        {stream.error ? <div className="field-error">{stream.error}</div> : null}
                      </th>
                      <td className="num">{formatCount(stream.length)}</td>
                      <td>
                        {stream.groups.length === 0
                          ? '—'
                          : stream.groups
                              .map((g) => `${g.group}: ${formatCount(g.pending)}`)
                              .join(', ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {snapshot.queues.length > 0 ? (
              <QueueCharts environmentId={environment.id} snapshot={snapshot} />
            ) : null}
            <AlertList environmentId={environment.id} />
          </>
        );
      }}
    </MonitoringFrame>
  );
}
