import type { PartitionRow, PartitionStatusName } from '@shared/contract';

export type Column =
  | 'topic'
  | 'partition'
  | 'committedOffset'
  | 'logEndOffset'
  | 'lag'
  | 'status'
  | 'timeLagSeconds'
  | 'secondsToDrain';

const SEVERITY: Record<PartitionStatusName, number> = {
  OK: 0,
  WARN: 1,
  REWIND: 2,
  STALL: 3,
  STOP: 4,
};

function sortValue(row: PartitionRow, column: Column): number | string | null {
  if (column === 'status') return SEVERITY[row.status];
  return row[column];
}

/** Sorts rows by one column; missing values always last. */
export function sortPartitions(
  rows: readonly PartitionRow[],
  column: Column,
  descending: boolean,
): PartitionRow[] {
  return [...rows].sort((a, b) => {
    const x = sortValue(a, column);
    const y = sortValue(b, column);
    if (x === null && y === null) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    const tie = order === 0 ? a.topic.localeCompare(b.topic) || a.partition - b.partition : order;
    return descending && order !== 0 ? -tie : tie;
  });
}
