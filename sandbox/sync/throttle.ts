/**
 * A shared pace for every partition the consumer handles at once: at most
 * `perSecond` messages in total. Used to make a consumer that still commits
 * fall behind on purpose (lag that never decreases, Burrow's WARN), which a
 * pause cannot show: a paused consumer stops committing (STALL/STOP).
 */
export class MessagePace {
  private nextFreeAt = 0;

  constructor(readonly perSecond: number) {
    if (!(perSecond > 0)) throw new RangeError('perSecond must be > 0');
  }

  /** How long to wait before handling `count` more messages, reserving their slots. */
  reserve(count: number, now = Date.now()): number {
    const start = Math.max(now, this.nextFreeAt);
    this.nextFreeAt = start + (count * 1000) / this.perSecond;
    return start - now;
  }
}
