import { useState } from 'react';
import type {
  EnvironmentView,
  GroupDescription,
  KafkaSnapshot,
  LagGroupRow,
} from '@shared/contract';
import { EmptyState, ErrorPanel, Loading } from '../../components/Panels';
import { useHistory, usePartitions } from '../../queries/monitoring';
import { AlertList } from '../monitoring/AlertList';
import { formatCount, formatRate, formatSeconds } from '../monitoring/format';
import { MonitoringFrame } from '../monitoring/MonitoringFrame';
import { ServerBanner } from '../monitoring/ServerHealth';
import { StatusBadge } from '../monitoring/StatusBadge';
import { TimeSeriesChart, seriesFromHistory } from '../monitoring/TimeSeriesChart';
import { HistoryCard, useChartWindow } from '../monitoring/WindowPicker';
import { GroupMembers } from './GroupMembers';
import { OffsetResetDialog } from './OffsetResetDialog';
import { PartitionTable } from './PartitionTable';

function drainText(group: { totalLag: number; secondsToDrain: number | null }): string {
  if (group.totalLag === 0) return 'drained';
  return group.secondsToDrain === null ? 'not draining' : formatSeconds(group.secondsToDrain);
}

function GroupsTable({
  kafka,
  selected,
  onSelect,
}: {
  kafka: KafkaSnapshot;
  selected: string | null;
  onSelect: (groupId: string) => void;
}) {
  return (
    <table className="table" data-testid="group-table">
      <thead>
        <tr>
          <th scope="col">Group</th>
          <th scope="col">Status</th>
          <th scope="col" className="num">
            Lag
          </th>
          <th scope="col">Max-lag partition</th>
          <th scope="col" className="num">
            Time lag
          </th>
          <th scope="col" className="num">
            Consumed / produced
          </th>
          <th scope="col" className="num">
            Time to drain
          </th>
          <th scope="col">Found</th>
        </tr>
      </thead>
      <tbody>
        {kafka.groups.map((group) => {
          const worstTopic = [...group.topics].sort(
            (a, b) => (b.maxLagPartition?.lag ?? 0) - (a.maxLagPartition?.lag ?? 0),
          )[0];
          return (
            <tr
              key={group.groupId}
              className={group.groupId === selected ? 'selected' : undefined}
              data-testid={`group-row-${group.groupId}`}
            >
              <th scope="row">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => onSelect(group.groupId)}
                >
                  {group.groupId}
                </button>
                {group.error ? <div className="field-error">{group.error}</div> : null}
              </th>
              <td data-testid="group-status">
                <StatusBadge status={group.status} />
              </td>
              <td className="num" data-testid="group-lag">
                {formatCount(group.totalLag)}
              </td>
              <td>
                {worstTopic?.maxLagPartition
                  ? `${worstTopic.topic}/${worstTopic.maxLagPartition.partition} (${formatCount(worstTopic.maxLagPartition.lag)})`
                  : '—'}
              </td>
              <td className="num">{formatSeconds(group.timeLagSeconds)}</td>
              <td className="num">
                {formatRate(group.topics.reduce((s, t) => s + t.consumeRate, 0))} /{' '}
                {formatRate(group.topics.reduce((s, t) => s + t.produceRate, 0))}
              </td>
              <td className="num">{drainText(group)}</td>
              <td>{group.origin === 'broker' ? 'from broker' : 'from configuration'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function GroupDetail({ environment, group }: { environment: EnvironmentView; group: LagGroupRow }) {
  const environmentId = environment.id;
  const [resetting, setResetting] = useState<GroupDescription | null>(null);
  const partitions = usePartitions(environmentId, group.groupId);
  const [chartWindow, setChartWindow] = useChartWindow();
  const keys = group.topics.map((t) => `${group.groupId}/${t.topic}`);
  const lag = useHistory(
    environmentId,
    chartWindow,
    keys.map((key) => ({ metric: 'kafka.lag', key })),
  );
  const timeLag = useHistory(
    environmentId,
    chartWindow,
    keys.map((key) => ({ metric: 'kafka.timeLag', key })),
  );
  const range = lag.data ?? timeLag.data;
  const label = (key: string) => key.slice(group.groupId.length + 1);
  return (
    <HistoryCard
      title={
        <>
          {group.groupId} <StatusBadge status={group.status} />
        </>
      }
      chartWindow={chartWindow}
      onWindowChange={setChartWindow}
      testId="group-detail"
    >
      {range ? (
        <>
          <TimeSeriesChart
            title="Lag (messages) per topic"
            series={seriesFromHistory(lag.data, label)}
            from={range.from}
            to={range.to}
            testId="chart-lag"
          />
          <TimeSeriesChart
            title="Time lag per topic"
            unit=" s"
            series={seriesFromHistory(timeLag.data, label)}
            from={range.from}
            to={range.to}
          />
        </>
      ) : (
        <Loading what="history" />
      )}
      {partitions.isPending ? <Loading what="partitions" /> : null}
      {partitions.isError ? (
        <ErrorPanel error={partitions.error} onRetry={() => void partitions.refetch()} />
      ) : null}
      {partitions.data ? <PartitionTable rows={partitions.data} /> : null}
      <GroupMembers environmentId={environmentId} groupId={group.groupId} onReset={setResetting} />
      {resetting ? (
        <OffsetResetDialog
          environment={environment}
          group={resetting}
          onClose={() => setResetting(null)}
        />
      ) : null}
    </HistoryCard>
  );
}

/** Consumer groups with Burrow status, lag in messages and seconds, time to drain, and per-partition detail. */
export function LagPage() {
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <MonitoringFrame title="Lag">
      {(snapshot, environment) => {
        const kafka = snapshot.kafka;
        const group = kafka?.groups.find((g) => g.groupId === selected) ?? kafka?.groups[0] ?? null;
        return (
          <>
            <ServerBanner health={snapshot.servers.find((s) => s.server === 'kafka')} />
            {kafka ? (
              <p className="muted" data-testid="groups-source">
                Groups{' '}
                {kafka.groupsSource === 'broker'
                  ? 'from broker (ListGroups)'
                  : 'from configuration'}
                {kafka.groupsSourceNote ? ` — ${kafka.groupsSourceNote}` : ''} · {kafka.brokers}{' '}
                broker
                {kafka.brokers === 1 ? '' : 's'}
                {kafka.missingTopics.length > 0
                  ? ` · topics not on the cluster: ${kafka.missingTopics.join(', ')}`
                  : ''}
              </p>
            ) : null}
            {kafka && kafka.groups.length === 0 ? (
              <EmptyState title="No consumer group to show" />
            ) : null}
            {kafka && kafka.groups.length > 0 ? (
              <GroupsTable kafka={kafka} selected={group?.groupId ?? null} onSelect={setSelected} />
            ) : null}
            {group ? (
              <GroupDetail key={group.groupId} environment={environment} group={group} />
            ) : null}
            <AlertList environmentId={environment.id} />
          </>
        );
      }}
    </MonitoringFrame>
  );
}
