import { setImmediate as nextTurn } from 'node:timers/promises';
import type {
  BrowseFilter,
  ConcreteReplayTarget,
  DeadLetterRow,
  DeadLetterSourceCapabilities,
  DeadLetterSourceKind,
  IndexState,
  ReasonGroup,
  ReplayTarget,
  Selection,
} from '@shared/contract';
import { describeError } from '../faults';
import type { EntryIndex, IndexListRow, IndexRow } from '../index/entryIndex';
import { rowFromIndex } from '../index/rows';
import type { KeyedLock } from '../lock';
import type {
  DeadLetterSource,
  DiscardOutcome,
  EntrySnapshot,
  MoveItem,
  MoveOutcome,
  RedisListMarking,
} from '../source';

export interface IndexedSourceDeps {
  sourceId: string;
  index: EntryIndex;
  lock: KeyedLock;
  /** Index progress, for the UI. */
  onIndexProgress(state: IndexState['state'], done: number, total: number | null): void;
}

/** The index counts as fresh for this long after a sync. */
export const FRESH_FOR_MS = 5000;

/**
 * What Redis-list and Kafka-topic sources share: browse, grouping and
 * selection come from the local index; syncs and writes of one source take
 * turns under its lock.
 */
export abstract class IndexedSource implements DeadLetterSource {
  abstract readonly kind: DeadLetterSourceKind;
  abstract readonly capabilities: DeadLetterSourceCapabilities;
  abstract readonly redisListMarking: RedisListMarking;
  abstract readonly removesByStoredBytes: boolean;
  private syncing: Promise<void> | null = null;
  private lastError: string | null = null;
  private progress = { done: 0, total: null as number | null };
  private counted: { filter: string; total: number; at: number } | null = null;

  constructor(protected readonly deps: IndexedSourceDeps) {}

  /** Newest first, for lists. */
  protected abstract readonly listOrder: 'asc' | 'desc';
  protected abstract sync(report: (done: number, total: number | null) => void): Promise<void>;
  protected abstract keyOf(row: IndexListRow): string;
  protected abstract rowForKey(key: string): IndexRow | null;
  protected abstract snapshotOf(row: IndexRow): EntrySnapshot;

  abstract count(): Promise<number>;
  abstract replayNotes(target: ReplayTarget): string[];
  abstract targetProblem(target: ConcreteReplayTarget): string | null;
  abstract deliveryDescription(target: ConcreteReplayTarget): string;
  abstract move(jobId: string, items: readonly MoveItem[]): Promise<MoveOutcome[]>;
  abstract finishJob(jobId: string): Promise<void>;
  abstract discard(entries: readonly EntrySnapshot[], reason: string): Promise<DiscardOutcome>;
  abstract probe(): Promise<void>;

  /** Replay order: oldest first. */
  protected get replayOrder(): 'asc' | 'desc' {
    return this.listOrder === 'asc' ? 'desc' : 'asc';
  }

  indexState(): IndexState {
    const syncedAt = this.deps.index.syncedAt(this.deps.sourceId);
    if (this.syncing) return { state: 'syncing', syncedAt, error: null };
    if (this.lastError !== null) return { state: 'down', syncedAt, error: this.lastError };
    if (syncedAt === null) return { state: 'stale', syncedAt, error: null };
    const fresh = Date.now() - Date.parse(syncedAt) < FRESH_FOR_MS;
    return { state: fresh ? 'fresh' : 'stale', syncedAt, error: null };
  }

  refresh(): Promise<IndexState> {
    if (!this.syncing) {
      const { sourceId, lock, index, onIndexProgress } = this.deps;
      this.progress = { done: 0, total: null };
      onIndexProgress('syncing', 0, null);
      const report = (done: number, total: number | null): void => {
        this.progress = { done, total };
        onIndexProgress('syncing', done, total);
      };
      this.syncing = lock
        .run(sourceId, async () => {
          await this.sync(report);
          index.recordSync(sourceId, new Date().toISOString());
        })
        .then(
          () => {
            this.lastError = null;
          },
          (error: unknown) => {
            this.lastError = describeError(error);
          },
        )
        .finally(() => {
          this.syncing = null;
          const state = this.indexState();
          onIndexProgress(state.state, this.progress.done, this.progress.total);
        });
    }
    return this.syncing.then(() => this.indexState());
  }

  protected toRow(row: IndexListRow): DeadLetterRow {
    return rowFromIndex(row, this.keyOf(row));
  }

  async page(
    filter: BrowseFilter,
    offset: number,
    limit: number,
  ): Promise<{ rows: DeadLetterRow[]; total: number }> {
    // A scrolling list asks for page after page of the same filter: the first
    // page counts, the next ones reuse that count for a few seconds.
    const filterKey = JSON.stringify(filter);
    const cached = this.counted;
    const reuse =
      offset > 0 && cached !== null && cached.filter === filterKey && Date.now() - cached.at < 3000;
    const { rows, total } = this.deps.index.page(
      this.deps.sourceId,
      filter,
      this.listOrder,
      offset,
      limit,
      reuse ? cached.total : undefined,
    );
    if (!reuse) this.counted = { filter: filterKey, total, at: Date.now() };
    return { rows: rows.map((row) => this.toRow(row)), total };
  }

  async topReasons(filter: BrowseFilter, limit: number): Promise<ReasonGroup[]> {
    return this.deps.index.topReasons(this.deps.sourceId, filter, limit);
  }

  async get(key: string): Promise<EntrySnapshot | null> {
    const row = this.rowForKey(key);
    return row ? this.snapshotOf(row) : null;
  }

  async countSelection(selection: Selection): Promise<number> {
    if (selection.kind === 'filter') {
      return this.deps.index.count(this.deps.sourceId, selection.filter);
    }
    return new Set(selection.keys).size;
  }

  async *select(selection: Selection, chunkSize: number): AsyncIterable<EntrySnapshot[]> {
    if (selection.kind === 'keys') {
      const rows = [...new Set(selection.keys)]
        .map((key) => this.rowForKey(key))
        .filter((row): row is IndexRow => row !== null && row.resolved_kind === null)
        .sort((a, b) => (this.replayOrder === 'asc' ? a.pos - b.pos : b.pos - a.pos));
      for (let i = 0; i < rows.length; i += chunkSize) {
        yield rows.slice(i, i + chunkSize).map((row) => this.snapshotOf(row));
        await nextTurn();
      }
      return;
    }
    const { index, sourceId } = this.deps;
    if (selection.filter.text.trim() === '') {
      let after: { pos: number; id: number } | null = null;
      for (;;) {
        const rows = index.matchingAfter(
          sourceId,
          selection.filter,
          this.replayOrder,
          after,
          chunkSize,
        );
        if (rows.length === 0) return;
        yield rows.map((row) => this.snapshotOf(row));
        const last = rows[rows.length - 1]!;
        after = { pos: last.pos, id: last.id };
        // Reading the index is synchronous: give the rest of the core a turn per chunk.
        await nextTurn();
      }
    }
    const ids = index.matchingIds(sourceId, selection.filter, this.replayOrder);
    for (let i = 0; i < ids.length; i += chunkSize) {
      const rows = index.byIds(sourceId, ids.slice(i, i + chunkSize));
      if (rows.length > 0) yield rows.map((row) => this.snapshotOf(row));
      await nextTurn();
    }
  }
}
