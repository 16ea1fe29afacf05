import { useMemo, useState } from 'react';
import type { PartitionRow } from '@shared/contract';
import { formatCount, formatSeconds } from '../monitoring/format';
import { StatusBadge } from '../monitoring/StatusBadge';
import { sortPartitions, type Column } from './partitionSort';

const COLUMNS: { id: Column; label: string; numeric: boolean }[] = [
  { id: 'topic', label: 'Topic', numeric: false },
  { id: 'partition', label: 'Partition', numeric: true },
  { id: 'committedOffset', label: 'Committed', numeric: true },
  { id: 'logEndOffset', label: 'Log end', numeric: true },
  { id: 'lag', label: 'Lag', numeric: true },
  { id: 'status', label: 'Status', numeric: false },
  { id: 'timeLagSeconds', label: 'Time lag', numeric: true },
  { id: 'secondsToDrain', label: 'Time to drain', numeric: true },
];

/** The per-partition lag of one group, sortable by any column (lag, descending, first). */
export function PartitionTable({ rows }: { rows: readonly PartitionRow[] }) {
  const [column, setColumn] = useState<Column>('lag');
  const [descending, setDescending] = useState(true);
  const sorted = useMemo(
    () => sortPartitions(rows, column, descending),
    [rows, column, descending],
  );
  const sortBy = (next: Column) => {
    if (next === column) setDescending((value) => !value);
    else {
      setColumn(next);
      setDescending(next !== 'topic' && next !== 'partition');
    }
  };
  return (
    <table className="table partition-table" data-testid="partition-table">
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th
              key={c.id}
              scope="col"
              className={c.numeric ? 'num' : undefined}
              aria-sort={c.id === column ? (descending ? 'descending' : 'ascending') : 'none'}
            >
              <button
                type="button"
                className="sort-button"
                onClick={() => sortBy(c.id)}
                data-testid={`sort-${c.id}`}
              >
                {c.label}
                {c.id === column ? (descending ? ' ▼' : ' ▲') : ''}
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {sorted.map((row) => (
          <tr key={`${row.topic}/${row.partition}`} data-testid="partition-row">
            <td>
              <code>{row.topic}</code>
            </td>
            <td className="num">{row.partition}</td>
            <td className="num">
              {row.committedOffset === null ? 'no commit' : formatCount(row.committedOffset)}
            </td>
            <td className="num">{formatCount(row.logEndOffset)}</td>
            <td className="num" data-testid="partition-lag">
              {formatCount(row.lag)}
            </td>
            <td title={`rule: ${row.rule}`}>
              <StatusBadge status={row.status} />
            </td>
            <td className="num">{formatSeconds(row.timeLagSeconds)}</td>
            <td className="num">
              {row.lag === 0
                ? '—'
                : row.secondsToDrain === null
                  ? 'not draining'
                  : formatSeconds(row.secondsToDrain)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
