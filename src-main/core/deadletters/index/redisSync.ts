import type { Redis } from 'ioredis';
import type { ListSide } from '@shared/contract';
import { searchableText, sha256 } from '../bytes';
import type { EntryFacts } from '../envelope';
import type { EntryIndex, IndexedEntry } from './entryIndex';

/** Words of a payload that go into the full-text index. */
export const SEARCH_TEXT_BYTES = 256 * 1024;
const CHUNK = 1000;

export interface RedisListSyncOptions {
  client: Redis;
  index: EntryIndex;
  sourceId: string;
  key: string;
  /** Where producers push new dead letters. */
  pushSide: ListSide;
  describe(element: Buffer): EntryFacts;
  onProgress?(done: number, total: number): void;
}

function toIndexed(element: Buffer, pos: number, facts: EntryFacts): IndexedEntry {
  return {
    pos,
    hash: sha256(element),
    raw: element,
    recordKey: null,
    headersJson: null,
    partition: null,
    offset: null,
    recordTs: null,
    externalId: facts.externalId,
    errorClass: facts.errorClass,
    reason: facts.reason,
    origin: facts.origin,
    firstFailedAt: facts.firstFailedAt,
    lastFailedAt: facts.lastFailedAt,
    attempts: facts.attempts,
    size: facts.payload.length,
    searchText: [
      facts.errorClass,
      facts.reason,
      facts.externalId,
      searchableText(facts.payload, SEARCH_TEXT_BYTES),
    ]
      .filter((part): part is string => part !== null && part !== '')
      .join('\n'),
  };
}

async function hashAt(client: Redis, key: string, index: number): Promise<Buffer | null> {
  const element = await client.lindexBuffer(key, index);
  return element === null ? null : sha256(element);
}

/**
 * Keeps the index of a Redis list in step with the list. Indices are always
 * counted from the end producers do NOT push to, so entries pushed while a
 * sync runs never shift what it reads. The common case (new entries at the
 * push end, the known ones untouched) costs two LINDEX calls and the new
 * entries; anything else (entries removed by another tool) rescans the list
 * and keeps the index ids of entries that are still there.
 */
export class RedisListSync {
  constructor(private readonly options: RedisListSyncOptions) {}

  /** Index of the i-th element counted from the stable end (i = 0 is the oldest). */
  private stableIndex(i: number): number {
    return this.options.pushSide === 'head' ? -(i + 1) : i;
  }

  async run(): Promise<void> {
    const { client, index, sourceId, key } = this.options;
    const length = await client.llen(key);
    const known = index.size(sourceId, false);
    if (known === 0) {
      if (length > 0) await this.rescan(length);
      return;
    }
    const added = length - known;
    if (added >= 0 && (await this.knownEntriesUnchanged(known))) {
      if (added > 0) await this.fetchNew(known, added);
      return;
    }
    await this.rescan(length);
  }

  /** The oldest and the newest known entry still sit where the index says. */
  private async knownEntriesUnchanged(known: number): Promise<boolean> {
    const { client, index, sourceId, key, pushSide } = this.options;
    const first = index.end(sourceId, 'first');
    const last = index.end(sourceId, 'last');
    if (!first || !last) return false;
    const oldest = pushSide === 'head' ? last : first;
    const newest = pushSide === 'head' ? first : last;
    const [oldestHash, newestHash] = await Promise.all([
      hashAt(client, key, this.stableIndex(0)),
      hashAt(client, key, this.stableIndex(known - 1)),
    ]);
    return (
      oldestHash !== null &&
      newestHash !== null &&
      oldestHash.equals(oldest.hash) &&
      newestHash.equals(newest.hash)
    );
  }

  private async fetchNew(known: number, added: number): Promise<void> {
    const { client, index, sourceId, key, pushSide, describe } = this.options;
    const edge = pushSide === 'head' ? index.end(sourceId, 'first')! : index.end(sourceId, 'last')!;
    for (let done = 0; done < added; done += CHUNK) {
      const count = Math.min(CHUNK, added - done);
      // Elements known+done .. known+done+count-1 counted from the stable end.
      const from = known + done;
      const to = from + count - 1;
      const elements =
        pushSide === 'head'
          ? (await client.lrangeBuffer(key, -(to + 1), -(from + 1))).reverse()
          : await client.lrangeBuffer(key, from, to);
      const entries = elements.map((element, i) => {
        const step = done + i + 1;
        const pos = pushSide === 'head' ? edge.pos - step : edge.pos + step;
        return toIndexed(element, pos, describe(element));
      });
      index.insert(sourceId, entries);
      this.options.onProgress?.(done + count, added);
    }
  }

  /**
   * Reads the whole list from its stable end. An element whose bytes match an
   * indexed entry keeps that entry (and its id, which edits refer to); the
   * rest are added; indexed entries not seen are removed.
   */
  private async rescan(length: number): Promise<void> {
    const { client, index, sourceId, key, pushSide, describe } = this.options;
    const db = index.database;
    db.exec('CREATE TEMP TABLE IF NOT EXISTS dl_rescan_seen (id INTEGER PRIMARY KEY)');
    db.exec('DELETE FROM temp.dl_rescan_seen');
    const findKnown = db.prepare(
      `SELECT id FROM dl_entries e WHERE source_id = ? AND hash = ? AND resolved_kind IS NULL
         AND NOT EXISTS (SELECT 1 FROM temp.dl_rescan_seen s WHERE s.id = e.id) LIMIT 1`,
    );
    const markSeen = db.prepare('INSERT INTO temp.dl_rescan_seen (id) VALUES (?)');
    const move = db.prepare('UPDATE dl_entries SET pos = ? WHERE id = ?');
    // A first build has nothing to match against: it only inserts.
    const matching = index.size(sourceId, true) > 0;
    for (let done = 0; done < length; done += CHUNK) {
      const from = done;
      const to = Math.min(length, done + CHUNK) - 1;
      const elements =
        pushSide === 'head'
          ? (await client.lrangeBuffer(key, -(to + 1), -(from + 1))).reverse()
          : await client.lrangeBuffer(key, from, to);
      const fresh: IndexedEntry[] = [];
      index.transaction(() => {
        elements.forEach((element, i) => {
          const ordinal = done + i;
          // head-push: the oldest (stable end) is the tail, so it gets the highest pos.
          const pos = pushSide === 'head' ? -ordinal - 1 : ordinal;
          const existing = matching
            ? (findKnown.get(sourceId, sha256(element)) as { id: number } | undefined)
            : undefined;
          if (existing) {
            markSeen.run(existing.id);
            move.run(pos, existing.id);
          } else {
            fresh.push(toIndexed(element, pos, describe(element)));
          }
        });
      });
      const ids = index.insert(sourceId, fresh);
      if (matching) index.transaction(() => ids.forEach((id) => markSeen.run(id)));
      this.options.onProgress?.(Math.min(length, done + CHUNK), length);
      if (elements.length < to - from + 1) break;
    }
    if (!matching) return;
    const gone = db
      .prepare(
        `SELECT id FROM dl_entries e WHERE source_id = ?
           AND NOT EXISTS (SELECT 1 FROM temp.dl_rescan_seen s WHERE s.id = e.id)`,
      )
      .pluck()
      .all(sourceId) as number[];
    index.deleteIds(gone);
    db.exec('DELETE FROM temp.dl_rescan_seen');
  }
}
