import type { PartitionStatusName } from '@shared/contract';

const EXPLANATIONS: Record<PartitionStatusName, string> = {
  OK: 'Lag is within the allowed lag, or shrinking',
  WARN: 'Lag never decreased over the window: the consumer is falling behind',
  REWIND: 'The committed offset went backwards',
  STALL: 'The same offset was committed in every sample while lag stayed above the allowed lag',
  STOP: 'No commit for longer than the window spans',
};

/** Burrow status as a coloured badge; the title says what it means. */
export function StatusBadge({ status }: { status: PartitionStatusName | null }) {
  if (status === null) return <span className="muted">—</span>;
  return (
    <span
      className={`status-badge status-${status.toLowerCase()}`}
      title={EXPLANATIONS[status]}
      data-testid="status-badge"
    >
      {status}
    </span>
  );
}
