import type { Redis } from 'ioredis';
import type {
  BrowseFilter,
  ConcreteReplayTarget,
  DeadLetterRow,
  DeadLetterSourceCapabilities,
  DeadLetterSourceSettings,
  ReasonGroup,
  Selection,
} from '@shared/contract';
import { envelopeFacts, rawEntryFacts, type EntryFacts } from '../envelope';
import { OutageError, describeError, isRedisOutage } from '../faults';
import type { IndexListRow, IndexRow } from '../index/entryIndex';
import { RedisListSync } from '../index/redisSync';
import { JSON_MARKS_NOTE, UNMARKED_NOTE } from '../replay/marking';
import type {
  DiscardOutcome,
  EntrySnapshot,
  MoveItem,
  MoveOutcome,
  RedisListMarking,
} from '../source';
import { IndexedSource, type IndexedSourceDeps } from './indexedSource';
import {
  MARKER_TTL_SECONDS,
  markerKey,
  moveScriptArgs,
  scripts,
  type ScriptMove,
} from './redisScripts';

type RedisSettings = Extract<DeadLetterSourceSettings, { kind: 'redis' }>;

/** Bytes per script call: big enough for throughput, small enough to keep Redis responsive. */
const MAX_CALL_BYTES = 4 * 1024 * 1024;
const MAX_CALL_ENTRIES = 2000;
/** The move script names a target by a one-byte KEYS index. */
const MAX_CALL_TARGETS = 250;

export interface RedisSourceDeps extends IndexedSourceDeps {
  settings: RedisSettings;
  client(): Promise<Redis>;
}

/** Calls Redis, turning connection trouble into OutageError. */
async function onRedis<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isRedisOutage(error)) throw new OutageError('Redis', describeError(error));
    throw error;
  }
}

function plausibleKey(name: string | null): name is string {
  return name !== null && name.length > 0 && name.length <= 1024 && !/[\r\n]/.test(name);
}

/** Splits items into script calls bounded by entries and bytes (at least one entry each). */
export function chunkByBytes<T>(items: readonly T[], size: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = size(item);
    if (
      current.length > 0 &&
      (current.length >= MAX_CALL_ENTRIES || bytes + itemBytes > MAX_CALL_BYTES)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += itemBytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The script calls of a move: bounded like chunkByBytes and by the number of
 * targets, and each a run of consecutive steps (the script numbers its
 * entries from the first step).
 */
export function moveCalls(items: readonly MoveItem[]): MoveItem[][] {
  const runs: MoveItem[][] = [];
  let current: MoveItem[] = [];
  for (const item of items) {
    const previous = current[current.length - 1];
    if (previous !== undefined && item.step !== previous.step + 1) {
      runs.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) runs.push(current);
  return runs
    .flatMap((run) => chunkByBytes(run, (item) => item.payload.length + (item.stored?.length ?? 0)))
    .flatMap(byTargetCount);
}

/** Splits a call so that it names at most MAX_CALL_TARGETS target lists (one byte each). */
function byTargetCount(items: MoveItem[]): MoveItem[][] {
  const calls: MoveItem[][] = [];
  let current: MoveItem[] = [];
  let targets = new Set<string>();
  for (const item of items) {
    const key = item.target.kind === 'redis-list' ? item.target.key : '';
    if (!targets.has(key) && targets.size >= MAX_CALL_TARGETS) {
      calls.push(current);
      current = [];
      targets = new Set();
    }
    targets.add(key);
    current.push(item);
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/**
 * A Redis list of dead letters. Entries are identified by their exact bytes
 * on the server; the index id is only Sluice's handle for them.
 */
export class RedisListSource extends IndexedSource {
  /**
   * An entry that left the list is gone (no "show resolved"); it replays to a
   * Redis list of the same server, as the bytes it holds.
   */
  static capabilitiesFor(): DeadLetterSourceCapabilities {
    return {
      showsResolved: false,
      discard: 'removes',
      replayTargets: ['redis-list'],
      replayHeaders: false,
    };
  }

  readonly kind = 'redis' as const;
  readonly capabilities = RedisListSource.capabilitiesFor();
  readonly removesByStoredBytes = true;
  protected readonly listOrder: 'asc' | 'desc';
  private lastWrite = 0;

  constructor(private readonly redisDeps: RedisSourceDeps) {
    super(redisDeps);
    // pos ascends from head to tail; the push end holds the newest entries.
    this.listOrder = redisDeps.settings.pushSide === 'head' ? 'asc' : 'desc';
  }

  private get settings(): RedisSettings {
    return this.redisDeps.settings;
  }

  /** Oldest first means starting from the end producers do not push to. */
  private get removeDirection(): number {
    return this.settings.pushSide === 'head' ? -1 : 1;
  }

  /** Raw entries are the bytes their consumer expects: they are never marked. */
  get redisListMarking(): RedisListMarking {
    return this.settings.format === 'raw' ? 'none' : this.settings.replayMarking;
  }

  replayNotes(): string[] {
    return [this.redisListMarking === 'none' ? UNMARKED_NOTE : JSON_MARKS_NOTE];
  }

  describe(element: Buffer): EntryFacts {
    return this.settings.format === 'raw'
      ? rawEntryFacts(element)
      : envelopeFacts(element, this.settings.fields);
  }

  async count(): Promise<number> {
    const client = await onRedis(() => this.redisDeps.client());
    return onRedis(() => client.llen(this.settings.key));
  }

  protected async sync(report: (done: number, total: number | null) => void): Promise<void> {
    const client = await onRedis(() => this.redisDeps.client());
    await onRedis(() =>
      new RedisListSync({
        client,
        index: this.deps.index,
        sourceId: this.deps.sourceId,
        key: this.settings.key,
        pushSide: this.settings.pushSide,
        describe: (element) => this.describe(element),
        onProgress: report,
      }).run(),
    );
  }

  protected keyOf(row: IndexListRow): string {
    return String(row.id);
  }

  protected rowForKey(key: string): IndexRow | null {
    if (!/^\d{1,15}$/.test(key)) return null;
    return this.deps.index.byId(this.deps.sourceId, Number(key));
  }

  protected snapshotOf(row: IndexRow): EntrySnapshot {
    const facts = this.describe(row.raw);
    const originalKey = plausibleKey(facts.origin) ? facts.origin : this.settings.defaultTargetKey;
    return {
      key: String(row.id),
      row: this.toRow(row),
      stored: row.raw,
      payload: facts.payload,
      recordKey: null,
      headers: [],
      metadata: facts.metadata,
      originalTarget:
        originalKey === null ? null : { kind: 'redis-list', key: originalKey, side: 'head' },
      originLabel: `redis:${this.settings.key}#${facts.externalId ?? `entry-${row.id}`}`,
      kafka: null,
    };
  }

  targetProblem(target: ConcreteReplayTarget): string | null {
    return this.capabilities.replayTargets.includes(target.kind)
      ? null
      : 'entries of a Redis list replay to a Redis list of the same server';
  }

  deliveryDescription(): string {
    return (
      'Each entry moves in one Lua script on the Redis server: removed from the dead list by its ' +
      'exact bytes and pushed to the target in the same atomic step, so it is never in both ' +
      'places and never in neither. A marker per job lets a batch retried after a crash skip ' +
      'what already moved.'
    );
  }

  async move(jobId: string, items: readonly MoveItem[]): Promise<MoveOutcome[]> {
    const client = await onRedis(() => this.redisDeps.client());
    const run = scripts(client);
    const outcomes: MoveOutcome[] = [];
    await this.deps.lock.run(this.deps.sourceId, async () => {
      for (const chunk of moveCalls(items)) {
        const targets: string[] = [];
        const moves: ScriptMove[] = chunk.map((item) => {
          if (item.target.kind !== 'redis-list' || item.stored === null) {
            throw new Error(`a Redis move needs a Redis list target and the stored element`);
          }
          let index = targets.indexOf(item.target.key);
          if (index === -1) index = targets.push(item.target.key) - 1;
          // KEYS[1] and KEYS[2] are the dead list and the marker.
          return {
            element: item.stored,
            payload: item.payload,
            targetIndex: index + 3,
            side: item.target.side,
          };
        });
        const retry = chunk.some((item) => item.resent) ? '1' : '0';
        const args = [
          this.removeDirection,
          MARKER_TTL_SECONDS,
          retry,
          chunk[0]!.step,
          ...moveScriptArgs(moves),
        ];
        const keys = [this.settings.key, markerKey(jobId), ...targets];
        const results = await onRedis(() => run.sluiceMove(keys.length, ...keys, ...args));
        const settled: number[] = [];
        results.forEach((result, i) => {
          outcomes.push(result === 0 ? { state: 'gone' } : { state: 'delivered' });
          const key = chunk[i]!.key;
          if (/^\d+$/.test(key)) settled.push(Number(key));
        });
        // The list no longer holds these. They stay in the index as tombstones
        // (hidden everywhere) until idle time removes them: a delete per entry
        // would cost more than the move itself. Marked here, under the source's
        // lock, so that an index sync never sees them gone from the list and
        // still live in the index (with identical elements it could keep the
        // wrong one).
        this.deps.index.markResolved(
          settled,
          'replayed',
          `replay job ${jobId}`,
          new Date().toISOString(),
        );
        this.lastWrite = Date.now();
      }
    });
    return outcomes;
  }

  async finishJob(jobId: string): Promise<void> {
    const client = await onRedis(() => this.redisDeps.client());
    await onRedis(() => client.del(markerKey(jobId)));
  }

  async discard(entries: readonly EntrySnapshot[], reason: string): Promise<DiscardOutcome> {
    const client = await onRedis(() => this.redisDeps.client());
    const run = scripts(client);
    let discarded = 0;
    let missing = 0;
    await this.deps.lock.run(this.deps.sourceId, async () => {
      for (const chunk of chunkByBytes(entries, (entry) => entry.stored.length)) {
        const results = await onRedis(() =>
          run.sluiceRemove(this.settings.key, this.removeDirection, ...chunk.map((e) => e.stored)),
        );
        for (const removed of results) {
          if (removed > 0) discarded += 1;
          else missing += 1;
        }
        this.deps.index.markResolved(
          chunk.map((entry) => Number(entry.key)),
          'discarded',
          reason,
          new Date().toISOString(),
        );
        this.lastWrite = Date.now();
      }
    });
    return { discarded, missing };
  }

  /** Entries that left the list are gone: there is no "show resolved" for a Redis list. */
  override async page(
    filter: BrowseFilter,
    offset: number,
    limit: number,
  ): Promise<{ rows: DeadLetterRow[]; total: number }> {
    return super.page({ ...filter, showResolved: false }, offset, limit);
  }

  override async topReasons(filter: BrowseFilter, limit: number): Promise<ReasonGroup[]> {
    return super.topReasons({ ...filter, showResolved: false }, limit);
  }

  override async countSelection(selection: Selection): Promise<number> {
    return super.countSelection(
      selection.kind === 'filter'
        ? { ...selection, filter: { ...selection.filter, showResolved: false } }
        : selection,
    );
  }

  override select(selection: Selection, chunkSize: number): AsyncIterable<EntrySnapshot[]> {
    return super.select(
      selection.kind === 'filter'
        ? { ...selection, filter: { ...selection.filter, showResolved: false } }
        : selection,
      chunkSize,
    );
  }

  /** While nothing moves, removes tombstones a few thousand at a time. */
  async maintain(): Promise<void> {
    if (Date.now() - this.lastWrite < 2000) return;
    await this.deps.lock.run(this.deps.sourceId, async () => {
      this.deps.index.purgeResolved(this.deps.sourceId, 5000);
    });
  }

  async probe(): Promise<void> {
    const client = await onRedis(() => this.redisDeps.client());
    await onRedis(() => client.ping());
  }
}
