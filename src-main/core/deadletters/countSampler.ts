/**
 * Recent dead-letter counts per source, for "growth per minute". Kept in
 * memory: growth is about the last minutes, not about history.
 */
export class CountSampler {
  private readonly samples = new Map<string, { at: number; count: number }[]>();

  constructor(
    private readonly windowMs = 5 * 60_000,
    private readonly minimumSpanMs = 10_000,
  ) {}

  record(sourceId: string, count: number, at: number = Date.now()): void {
    const list = this.samples.get(sourceId) ?? [];
    list.push({ at, count });
    // One sample older than the window stays as the baseline.
    while (list.length > 2 && at - list[1]!.at > this.windowMs) list.shift();
    this.samples.set(sourceId, list);
  }

  growthPerMinute(sourceId: string): number | null {
    const list = this.samples.get(sourceId);
    if (!list || list.length < 2) return null;
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const span = last.at - first.at;
    if (span < this.minimumSpanMs) return null;
    return Math.round(((last.count - first.count) / span) * 60_000 * 10) / 10;
  }

  forget(sourceId: string): void {
    this.samples.delete(sourceId);
  }
}
