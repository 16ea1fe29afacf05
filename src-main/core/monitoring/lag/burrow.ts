/**
 * Burrow's consumer lag evaluation, per partition over a sliding window of the
 * last N samples. The rules and their order follow Burrow's evaluator:
 *
 *   lag now <= allowed                                   -> OK
 *   no commit for longer than the window spans           -> STOP
 *     (unless the broker offsets show the consumer caught up within the window)
 *   the committed offset went backwards                  -> REWIND
 *   lag was <= allowed somewhere in the window           -> OK
 *   the same offset was committed in every sample        -> STALL
 *   lag never decreased across the window                -> WARN
 *   otherwise                                            -> OK
 */

export const PARTITION_STATUSES = ['OK', 'WARN', 'REWIND', 'STALL', 'STOP'] as const;
export type PartitionStatus = (typeof PARTITION_STATUSES)[number];

/** Severity order for "group status = worst partition". */
const SEVERITY: Record<PartitionStatus, number> = { OK: 0, WARN: 1, REWIND: 2, STALL: 3, STOP: 4 };

/** One observation of a partition's committed offset. */
export interface OffsetSample {
  /** When the committed offset was observed (ms since epoch). */
  observedAt: number;
  /**
   * When the consumer committed it, if the broker says (ms since epoch).
   * Without it, a changed offset counts as a commit at observedAt.
   */
  committedAt?: number;
  committedOffset: number;
  /** Log-end offset minus committed offset at observedAt. */
  lag: number;
}

/** One observation of the partition's log-end offset. */
export interface BrokerOffsetSample {
  observedAt: number;
  logEndOffset: number;
}

export interface EvaluationInput {
  /** Oldest first; the window (the caller keeps the last N). */
  window: readonly OffsetSample[];
  /** Log-end offsets seen during the window, oldest first. */
  brokerOffsets?: readonly BrokerOffsetSample[];
  /** Current lag (log end now minus last committed). */
  currentLag: number;
  now: number;
  /** Lag at or below this is fine (Burrow's "allowed lag"); default 0. */
  allowedLag?: number;
}

export interface PartitionEvaluation {
  status: PartitionStatus;
  /** Which rule decided, for the UI's "why". */
  rule:
    | 'lag-within-allowed'
    | 'no-commit-for-window'
    | 'offset-went-backwards'
    | 'lag-within-allowed-in-window'
    | 'same-offset-every-sample'
    | 'lag-never-decreased'
    | 'lag-decreasing'
    | 'window-too-short';
}

/**
 * Time of the last commit in the window: the broker's commit timestamp when
 * known, else the first observation of the latest offset value.
 */
function lastCommitTime(window: readonly OffsetSample[]): number {
  const last = window[window.length - 1]!;
  if (last.committedAt !== undefined) return last.committedAt;
  let time = last.observedAt;
  for (let i = window.length - 2; i >= 0; i -= 1) {
    const sample = window[i]!;
    if (sample.committedOffset !== last.committedOffset) break;
    time = sample.observedAt;
  }
  return time;
}

function firstCommitTime(window: readonly OffsetSample[]): number {
  const first = window[0]!;
  return first.committedAt ?? first.observedAt;
}

function caughtUpWithinWindow(input: EvaluationInput): boolean {
  const { window, brokerOffsets } = input;
  if (!brokerOffsets || brokerOffsets.length === 0) return false;
  const start = window[0]!.observedAt;
  const lastCommitted = window[window.length - 1]!.committedOffset;
  // The consumer's last commit reached what the log end was at some point in
  // the window: it was at the head, the partition is merely quiet.
  return brokerOffsets.some((b) => b.observedAt >= start && b.logEndOffset <= lastCommitted);
}

export function evaluatePartition(input: EvaluationInput): PartitionEvaluation {
  const allowed = input.allowedLag ?? 0;
  if (input.currentLag <= allowed) return { status: 'OK', rule: 'lag-within-allowed' };
  const { window } = input;
  if (window.length < 2) return { status: 'OK', rule: 'window-too-short' };

  const span = lastCommitTime(window) - firstCommitTime(window);
  const sinceLastCommit = input.now - lastCommitTime(window);
  const windowSpan = window[window.length - 1]!.observedAt - window[0]!.observedAt;
  // Burrow compares the silence since the last commit with the time the
  // window's commits span; a window with a single commit value has span 0,
  // so fall back to the observation span of the window.
  const reference = span > 0 ? span : windowSpan;
  if (sinceLastCommit > reference && !caughtUpWithinWindow(input)) {
    return { status: 'STOP', rule: 'no-commit-for-window' };
  }

  for (let i = 1; i < window.length; i += 1) {
    if (window[i]!.committedOffset < window[i - 1]!.committedOffset) {
      return { status: 'REWIND', rule: 'offset-went-backwards' };
    }
  }

  if (window.some((sample) => sample.lag <= allowed)) {
    return { status: 'OK', rule: 'lag-within-allowed-in-window' };
  }

  if (window.every((sample) => sample.committedOffset === window[0]!.committedOffset)) {
    return { status: 'STALL', rule: 'same-offset-every-sample' };
  }

  let decreased = false;
  for (let i = 1; i < window.length; i += 1) {
    if (window[i]!.lag < window[i - 1]!.lag) {
      decreased = true;
      break;
    }
  }
  if (!decreased) return { status: 'WARN', rule: 'lag-never-decreased' };
  return { status: 'OK', rule: 'lag-decreasing' };
}

export function worstStatus(statuses: Iterable<PartitionStatus>): PartitionStatus {
  let worst: PartitionStatus = 'OK';
  for (const status of statuses) if (SEVERITY[status] > SEVERITY[worst]) worst = status;
  return worst;
}

export function statusAtLeast(status: PartitionStatus, threshold: PartitionStatus): boolean {
  return SEVERITY[status] >= SEVERITY[threshold];
}
