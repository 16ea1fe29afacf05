import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from '@shared/log/logger';
import { silentLogger } from '@shared/log/logger';
import { errorMessage } from '../common/errors';
import { SYNC_CONNECTOR_NAME, SYNC_DLQ_TOPIC, SYNC_GROUP, SYNC_TOPIC } from '../common/names';
import { backoffDelay, sleep, withTimeout } from '../common/time';
import type { DocumentRejectedError, IndexDocument, Indexer } from '../schema/indexer';
import { connectErrorHeaders } from './connectHeaders';
import { MessagePace } from './throttle';
import type { OutgoingMessage, Publisher } from './kafka';

export interface SyncConsumerOptions {
  kafka: Kafka;
  pool: pg.Pool;
  indexer: Indexer;
  publisher: Publisher;
  topic?: string;
  dlqTopic?: string;
  groupId?: string;
  /** Tries per rejected document before it goes to the DLQ. */
  maxAttempts?: number;
  retryBaseMs?: number;
  maxWaitTimeInMs?: number;
  /** How long the group waits for a silent member before handing its partitions to others. */
  sessionTimeoutMs?: number;
  /** Messages handled per database round trip. */
  chunkSize?: number;
  /** Partitions processed at the same time. */
  concurrency?: number;
  logger?: Logger;
}

export class MissingKeyError extends Error {
  constructor() {
    super('message has no key: the key is the document id');
    this.name = 'MissingKeyError';
  }
}

interface Control {
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

const CLASS_NAME = 'sandbox.sync.SyncConsumer';

/**
 * The es-sync consumer group: for each event it reads the current row from
 * PostgreSQL (never the event payload), writes it to the index, and marks the
 * row synced if it is still that version. Documents the index keeps rejecting
 * go to job-es-sync.dlq with Kafka Connect error headers; when the index or
 * the database is unreachable it waits and retries without moving on, so
 * lag grows instead of data being dropped.
 */
export class SyncConsumer {
  readonly counters = { indexed: 0, deadLettered: 0, retries: 0, stalls: 0 };
  private readonly consumer: Consumer;
  private readonly topic: string;
  private readonly dlqTopic: string;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly chunkSize: number;
  private readonly concurrency: number;
  private readonly logger: Logger;
  private readonly stopSignal = new AbortController();
  private isPaused = false;
  private pace: MessagePace | null = null;
  private joined: Promise<void>;
  private markJoined!: () => void;

  constructor(private readonly options: SyncConsumerOptions) {
    this.topic = options.topic ?? SYNC_TOPIC;
    this.dlqTopic = options.dlqTopic ?? SYNC_DLQ_TOPIC;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.chunkSize = options.chunkSize ?? 250;
    this.concurrency = options.concurrency ?? 3;
    this.logger = options.logger ?? silentLogger;
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId ?? SYNC_GROUP,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
      sessionTimeout,
      heartbeatInterval: Math.min(3000, Math.floor(sessionTimeout / 3)),
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.joined = new Promise((resolve) => (this.markJoined = resolve));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.markJoined());
  }

  get paused(): boolean {
    return this.isPaused;
  }

  async start(): Promise<void> {
    await withTimeout(this.consumer.connect(), 15_000, 'sync consumer connect');
    await withTimeout(
      this.consumer.subscribe({ topics: [this.topic], fromBeginning: true }),
      15_000,
      'sync consumer subscribe',
    );
    await this.consumer.run({
      eachBatchAutoResolve: false,
      // Partitions are independent: overlapping their database round trips is most of the throughput.
      partitionsConsumedConcurrently: this.concurrency,
      autoCommitInterval: 1000,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Resolves once the consumer has joined its group (the first join takes a few seconds). */
  ready(timeoutMs = 30_000): Promise<void> {
    return withTimeout(this.joined, timeoutMs, 'sync consumer group join');
  }

  /** Stops fetching; the chunk in hand finishes and the rest of its batch is fetched again on resume. */
  pause(): void {
    this.isPaused = true;
    this.consumer.pause([{ topic: this.topic }]);
  }

  /**
   * Slows the consumer to at most `perSecond` messages a second across all
   * partitions (null: full speed). It keeps committing, so lag grows while
   * offsets still advance.
   */
  throttle(perSecond: number | null): void {
    this.pace = perSecond === null || perSecond <= 0 ? null : new MessagePace(perSecond);
  }

  get throttledTo(): number | null {
    return this.pace?.perSecond ?? null;
  }

  resume(): void {
    this.isPaused = false;
    this.consumer.resume([{ topic: this.topic }]);
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    await withTimeout(this.consumer.disconnect(), 15_000, 'sync consumer disconnect').catch(
      (error: unknown) =>
        this.logger.warn('sync consumer disconnect', { error: errorMessage(error) }),
    );
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } =
      payload;
    const control: Control = { heartbeat, isRunning, isStale };
    const size = this.pace ? 1 : this.chunkSize;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (this.isPaused || !isRunning() || isStale() || this.stopSignal.signal.aborted) return;
      const chunk = batch.messages.slice(start, start + size);
      if (this.pace && !(await this.waitForPace(chunk.length, heartbeat))) return;
      const done = await this.handleChunk(batch.topic, batch.partition, chunk, control);
      if (!done) return;
      for (const message of chunk) resolveOffset(message.offset);
      const last = chunk[chunk.length - 1]!;
      if (start + size >= batch.messages.length && batch.offsetLag() === '0') {
        // Caught up with the partition: commit now, so a drained group reads zero lag.
        await commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [
                { partition: batch.partition, offset: String(BigInt(last.offset) + 1n) },
              ],
            },
          ],
        });
      } else {
        // Behind: at most one commit a second (autoCommitInterval), not one per chunk.
        await commitOffsetsIfNecessary();
      }
      await heartbeat();
    }
  }

  /** Waits for the throttle's slot, heartbeating; false when paused or stopped meanwhile. */
  private async waitForPace(count: number, heartbeat: () => Promise<void>): Promise<boolean> {
    let wait = this.pace?.reserve(count) ?? 0;
    while (wait > 0) {
      const step = Math.min(wait, 1000);
      await sleep(step, this.stopSignal.signal);
      wait -= step;
      if (this.isPaused || this.stopSignal.signal.aborted) return false;
      await heartbeat();
    }
    return true;
  }

  /** True when every message of the chunk is indexed, skipped or dead-lettered. */
  private async handleChunk(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    control: Control,
  ): Promise<boolean> {
    const unkeyed = messages.filter((message) => !message.key || message.key.length === 0);
    const ids = [
      ...new Set(
        messages.flatMap((m) => (m.key && m.key.length > 0 ? [m.key.toString('utf8')] : [])),
      ),
    ];
    let failures = 0;
    for (;;) {
      try {
        const rejected = await this.indexWithRetries(ids, control);
        const dead: { message: KafkaMessage; error: Error }[] = unkeyed.map((message) => ({
          message,
          error: new MissingKeyError(),
        }));
        for (const message of messages) {
          const error = message.key ? rejected.get(message.key.toString('utf8')) : undefined;
          if (error) dead.push({ message, error });
        }
        await this.deadLetter(topic, partition, dead);
        if (rejected.size > 0) {
          await this.options.pool.query(
            'UPDATE documents SET sync_dead_at = now() WHERE id = ANY($1::text[])',
            [[...rejected.keys()]],
          );
        }
        return true;
      } catch (error) {
        // The index, the database or the DLQ is unreachable: hold the position and retry.
        failures += 1;
        this.counters.stalls += 1;
        const delay = backoffDelay(failures, 500, 5000);
        this.logger.warn('sync consumer cannot make progress; holding position', {
          error: errorMessage(error),
          retryInMs: delay,
        });
        if (!control.isRunning() || control.isStale()) return false;
        await sleep(delay, this.stopSignal.signal);
        if (this.stopSignal.signal.aborted || !control.isRunning() || control.isStale())
          return false;
        await control.heartbeat().catch(() => undefined);
      }
    }
  }

  /**
   * Indexes the current rows of `ids`; a document the index rejects is tried
   * again (re-read each time: it may have been fixed meanwhile) up to
   * maxAttempts. Returns the documents still rejected.
   */
  private async indexWithRetries(
    ids: string[],
    control: Control,
  ): Promise<Map<string, DocumentRejectedError>> {
    let remaining = ids;
    let rejected = new Map<string, DocumentRejectedError>();
    for (let attempt = 1; remaining.length > 0; attempt += 1) {
      const rows = await this.currentRows(remaining);
      rejected = await this.options.indexer.index(rows);
      const indexed = rows.filter((row) => !rejected.has(row.id));
      await this.markSynced(indexed);
      this.counters.indexed += indexed.length;
      remaining = [...rejected.keys()];
      if (remaining.length === 0 || attempt >= this.maxAttempts) break;
      this.counters.retries += 1;
      await sleep(backoffDelay(attempt, this.retryBaseMs), this.stopSignal.signal);
      await control.heartbeat();
    }
    return rejected;
  }

  private async currentRows(ids: string[]): Promise<IndexDocument[]> {
    const result = await this.options.pool.query<IndexDocument>(
      'SELECT id, version, body FROM documents WHERE id = ANY($1::text[])',
      [ids],
    );
    return result.rows;
  }

  /** Only a row still at the indexed version is marked: a newer write has its own event coming. */
  private async markSynced(documents: IndexDocument[]): Promise<void> {
    if (documents.length === 0) return;
    await this.options.pool.query(
      `UPDATE documents AS d
          SET es_synced_at = now(), indexed = true, sync_dead_at = NULL
         FROM unnest($1::text[], $2::int[]) AS v(id, version)
        WHERE d.id = v.id AND d.version = v.version
          AND (d.es_synced_at IS NULL OR d.updated_at > d.es_synced_at OR NOT d.indexed)`,
      [documents.map((doc) => doc.id), documents.map((doc) => doc.version)],
    );
  }

  private async deadLetter(
    topic: string,
    partition: number,
    failed: { message: KafkaMessage; error: Error }[],
  ): Promise<void> {
    if (failed.length === 0) return;
    const messages: OutgoingMessage[] = failed.map(({ message, error }) => {
      const headers: Record<string, string | Buffer> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        if (value === undefined) continue;
        headers[name] = Array.isArray(value) ? (value[0] ?? '') : value;
      }
      Object.assign(
        headers,
        connectErrorHeaders({
          topic,
          partition,
          offset: message.offset,
          connectorName: SYNC_CONNECTOR_NAME,
          taskId: '0',
          stage: 'TASK_PUT',
          className: CLASS_NAME,
          error,
        }),
      );
      return { key: message.key, value: message.value ?? Buffer.alloc(0), headers };
    });
    await this.options.publisher.send(this.dlqTopic, messages);
    this.counters.deadLettered += messages.length;
    for (const { message, error } of failed) {
      this.logger.info('sync event dead-lettered', {
        key: message.key?.toString('utf8') ?? null,
        offset: message.offset,
        error: error.message,
      });
    }
  }
}
