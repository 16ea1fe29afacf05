import type { BrokerOffsetSample, OffsetSample } from './burrow';

export interface TimeLagEstimate {
  /** Seconds between now and when the log end was at the committed offset. */
  seconds: number;
  /**
   * 'exact' when the committed offset is at the head, 'interpolated' between two
   * recorded log-end samples, 'lower-bound' when it predates all history.
   */
  basis: 'exact' | 'interpolated' | 'lower-bound';
}

/**
 * How far behind in time a consumer is: find when the log end offset was
 * equal to the committed offset, interpolating linearly over the recorded
 * log-end history (the approach kafka-lag-exporter takes).
 */
export function estimateTimeLag(
  committedOffset: number,
  history: readonly BrokerOffsetSample[],
  now: number,
): TimeLagEstimate | null {
  if (history.length === 0) return null;
  const latest = history[history.length - 1]!;
  if (committedOffset >= latest.logEndOffset) return { seconds: 0, basis: 'exact' };

  const first = history[0]!;
  if (committedOffset < first.logEndOffset) {
    // The consumer is behind everything we recorded: at least this far behind.
    return { seconds: Math.max(0, (now - first.observedAt) / 1000), basis: 'lower-bound' };
  }
  // The first moment the log end reached the committed offset: exact on a
  // recorded sample, else interpolated between the two samples around it.
  for (let i = 1; i < history.length; i += 1) {
    const after = history[i]!;
    if (after.logEndOffset < committedOffset) continue;
    const before = history[i - 1]!;
    if (before.logEndOffset === committedOffset) {
      return { seconds: Math.max(0, (now - before.observedAt) / 1000), basis: 'interpolated' };
    }
    const fraction =
      (committedOffset - before.logEndOffset) / (after.logEndOffset - before.logEndOffset);
    const at = before.observedAt + fraction * (after.observedAt - before.observedAt);
    return { seconds: Math.max(0, (now - at) / 1000), basis: 'interpolated' };
  }
  return { seconds: Math.max(0, (now - first.observedAt) / 1000), basis: 'interpolated' };
}

export interface DrainEstimate {
  /** Messages per second the consumer committed over the window. */
  consumeRate: number;
  /** Messages per second the log end grew over the window. */
  produceRate: number;
  /** Seconds until lag reaches zero at the net rate; null when it is not shrinking. */
  secondsToDrain: number | null;
}

function ratePerSecond(
  first: { at: number; value: number },
  last: { at: number; value: number },
): number {
  const seconds = (last.at - first.at) / 1000;
  return seconds > 0 ? Math.max(0, (last.value - first.value) / seconds) : 0;
}

/**
 * Time to drain: the current lag divided by how fast it shrinks, that is the
 * consumption rate over the window minus the production rate over the same
 * window. A consumer that only keeps pace never drains (null).
 */
export function estimateDrain(
  window: readonly OffsetSample[],
  history: readonly BrokerOffsetSample[],
  currentLag: number,
): DrainEstimate {
  const consumeRate =
    window.length >= 2
      ? ratePerSecond(
          { at: window[0]!.observedAt, value: window[0]!.committedOffset },
          {
            at: window[window.length - 1]!.observedAt,
            value: window[window.length - 1]!.committedOffset,
          },
        )
      : 0;
  const start = window[0]?.observedAt ?? 0;
  const inWindow = history.filter((h) => h.observedAt >= start);
  const produceRate =
    inWindow.length >= 2
      ? ratePerSecond(
          { at: inWindow[0]!.observedAt, value: inWindow[0]!.logEndOffset },
          {
            at: inWindow[inWindow.length - 1]!.observedAt,
            value: inWindow[inWindow.length - 1]!.logEndOffset,
          },
        )
      : 0;
  if (currentLag <= 0) return { consumeRate, produceRate, secondsToDrain: 0 };
  const net = consumeRate - produceRate;
  return { consumeRate, produceRate, secondsToDrain: net > 0 ? currentLag / net : null };
}
