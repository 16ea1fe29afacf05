import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { isUtf8, searchableText, sha256 } from '../bytes';
import { describeOrigin, readDeadLetterHeaders, type RecordHeader } from '../kafkaHeaders';
import type { EntryIndex, IndexedEntry } from './entryIndex';
import { SEARCH_TEXT_BYTES } from './redisSync';

/** Gives up when no record arrives for this long while records are still expected. */
const IDLE_TIMEOUT_MS = 30_000;

/**
 * Bounds on every fetch the index sends: the topic's own consumers share the
 * broker (its disk, network and request threads), so one fetch never asks for
 * more than this, and the broker answers within maxWaitTimeInMs.
 */
export const INDEX_FETCH = {
  maxBytes: 4 * 1024 * 1024,
  maxBytesPerPartition: 1024 * 1024,
  maxWaitTimeInMs: 500,
} as const;

/** The pace of the whole read: on average no more record bytes per second than this. */
export const INDEX_BYTES_PER_SECOND = 32 * 1024 * 1024;

/**
 * The index reads in a consumer group of its own (a fresh id that names
 * Sluice), never in a group of the topic's consumers, and commits no offset:
 * the groups that consume the topic are never joined, rebalanced or moved.
 */
export function indexGroupId(): string {
  return `sluice-dlq-index-${randomUUID()}`;
}

/**
 * Spreads a read over time: after a fetch of `bytes`, how long to wait so the
 * read stays at `perSecond`. Time spent behind the pace (a slow broker or
 * disk) banks no credit for a burst afterwards.
 */
export class BytePace {
  private next = 0;

  constructor(private readonly perSecond: number) {}

  delayAfter(bytes: number, now: number = Date.now()): number {
    const cost = (bytes / this.perSecond) * 1000;
    this.next = Math.max(this.next, now - cost) + cost;
    return Math.max(0, this.next - now);
  }
}

export interface KafkaTopicSyncOptions {
  kafka: Kafka;
  index: EntryIndex;
  sourceId: string;
  topic: string;
  /** Overrides INDEX_BYTES_PER_SECOND. */
  bytesPerSecond?: number;
  onProgress?(done: number, total: number): void;
}

export function headersOf(message: Pick<KafkaMessage, 'headers'>): RecordHeader[] {
  const headers: RecordHeader[] = [];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) {
      if (one === undefined) continue;
      headers.push({ name, value: Buffer.isBuffer(one) ? one : Buffer.from(String(one), 'utf8') });
    }
  }
  return headers;
}

export function headersToJson(headers: readonly RecordHeader[]): string {
  return JSON.stringify(headers.map((h) => [h.name, h.value.toString('base64')]));
}

export function headersFromJson(json: string | null): RecordHeader[] {
  if (!json) return [];
  return (JSON.parse(json) as [string, string][]).map(([name, value]) => ({
    name,
    value: Buffer.from(value, 'base64'),
  }));
}

export function indexedRecord(message: KafkaMessage, partition: number, pos: number): IndexedEntry {
  const value = message.value ?? Buffer.alloc(0);
  const headers = headersOf(message);
  const origin = readDeadLetterHeaders(headers);
  const key = message.key ?? null;
  const externalId = key !== null && isUtf8(key) ? key.toString('utf8') : null;
  const timestamp = Number(message.timestamp);
  const recordTs = Number.isFinite(timestamp) && timestamp > 0 ? timestamp : null;
  return {
    pos,
    hash: sha256(value),
    raw: value,
    recordKey: key,
    headersJson: headersToJson(headers),
    partition,
    offset: Number(message.offset),
    recordTs,
    externalId,
    errorClass: origin.exceptionClass,
    reason: origin.message,
    origin: describeOrigin(origin),
    firstFailedAt: origin.originalTimestamp ?? recordTs,
    lastFailedAt: recordTs,
    attempts: null,
    size: value.length,
    searchText: [
      origin.exceptionClass,
      origin.message,
      externalId,
      searchableText(value, SEARCH_TEXT_BYTES),
    ]
      .filter((part): part is string => part !== null && part !== '')
      .join('\n'),
  };
}

/**
 * Copies new records of a dead-letter topic into the index: from the next
 * offset recorded per partition up to the high watermark seen at the start.
 * Offsets are recorded in the same transaction as the records, so a sync cut
 * short continues where it stopped. Records the broker no longer holds
 * (retention) leave the index.
 */
export class KafkaTopicSync {
  constructor(private readonly options: KafkaTopicSyncOptions) {}

  async run(): Promise<void> {
    const { kafka, index, sourceId, topic } = this.options;
    const admin = kafka.admin();
    let watermarks: { partition: number; low: number; high: number }[];
    try {
      await admin.connect();
      watermarks = (await admin.fetchTopicOffsets(topic)).map((p) => ({
        partition: p.partition,
        low: Number(p.low),
        high: Number(p.high),
      }));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }

    const next = index.offsets(sourceId);
    const db = index.database;
    const below = db.prepare(
      'SELECT id FROM dl_entries WHERE source_id = ? AND partition = ? AND "offset" < ?',
    );
    const start = new Map<number, number>();
    const end = new Map<number, number>();
    let expected = 0;
    index.transaction(() => {
      for (const { partition, low, high } of watermarks) {
        const from = Math.max(next[String(partition)] ?? 0, low);
        index.deleteIds(below.pluck().all(sourceId, partition, low) as number[]);
        start.set(partition, from);
        end.set(partition, high);
        next[String(partition)] = from;
        expected += Math.max(0, high - from);
      }
      index.recordOffsets(sourceId, next);
    });
    if (expected === 0) return;

    let pos =
      ((db.prepare('SELECT max(pos) FROM dl_entries WHERE source_id = ?').pluck().get(sourceId) as
        number | null) ?? 0) + 1;
    let done = 0;
    const pending = new Set(
      watermarks.filter((w) => start.get(w.partition)! < w.high).map((w) => w.partition),
    );

    const consumer = kafka.consumer({
      groupId: indexGroupId(),
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      ...INDEX_FETCH,
    });
    const pace = new BytePace(this.options.bytesPerSecond ?? INDEX_BYTES_PER_SECOND);
    let finish!: () => void;
    let fail!: (error: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    // Awaited below; a failure before that must not count as unhandled.
    finished.catch(() => undefined);
    let lastProgress = Date.now();
    const idle = setInterval(() => {
      if (Date.now() - lastProgress > IDLE_TIMEOUT_MS) {
        fail(new Error(`no records from ${topic} for ${IDLE_TIMEOUT_MS / 1000} s while indexing`));
      }
    }, 1000);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      // kafkajs restarts the consumer itself after a retriable crash (a fresh
      // KRaft cluster answers the first join with COORDINATOR_NOT_AVAILABLE).
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) fail(event.payload.error);
      });
      // seek() needs a joined group: run() can resolve before the first join
      // succeeded, and a restart after a crash forgets earlier seeks. So every
      // join seeks each partition to where indexing stands now.
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const { partition } of watermarks) {
          const offset = Math.max(next[String(partition)] ?? 0, start.get(partition) ?? 0);
          try {
            consumer.seek({ topic, partition, offset: String(offset) });
          } catch (error) {
            fail(error);
          }
        }
      });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const partition = batch.partition;
          const from = start.get(partition) ?? 0;
          const high = end.get(partition) ?? 0;
          const entries: IndexedEntry[] = [];
          let last = -1;
          let bytes = 0;
          for (const message of batch.messages) {
            bytes += (message.value?.length ?? 0) + (message.key?.length ?? 0);
            const offset = Number(message.offset);
            if (offset < from || offset >= high) continue;
            if (offset < (next[String(partition)] ?? 0)) continue;
            entries.push(indexedRecord(message, partition, pos));
            pos += 1;
            last = offset;
          }
          if (entries.length > 0) {
            index.transaction(() => {
              index.insert(sourceId, entries);
              next[String(partition)] = last + 1;
              index.recordOffsets(sourceId, next);
            });
            done += entries.length;
            lastProgress = Date.now();
            this.options.onProgress?.(done, expected);
          }
          if ((next[String(partition)] ?? 0) >= high) pending.delete(partition);
          if (pending.size === 0) {
            finish();
            return;
          }
          // The next fetch waits while the read is ahead of its pace.
          const delay = pace.delayAfter(bytes);
          if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        },
      });
      await finished;
    } finally {
      clearInterval(idle);
      await consumer.disconnect().catch(() => undefined);
    }
  }
}
