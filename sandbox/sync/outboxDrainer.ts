import pg from 'pg';
import type { Logger } from '@shared/log/logger';
import { silentLogger } from '@shared/log/logger';
import { errorMessage } from '../common/errors';
import { OUTBOX_CHANNEL, SYNC_TOPIC } from '../common/names';
import { backoffDelay, sleep, withTimeout } from '../common/time';
import { syncMessage } from './kafka';
import type { Publisher } from './kafka';

export interface OutboxDrainerOptions {
  pool: pg.Pool;
  postgresUrl: string;
  publisher: Publisher;
  topic?: string;
  batchSize?: number;
  /** Fallback poll when no notification arrives (lost LISTEN connection, missed event). */
  pollIntervalMs?: number;
  /**
   * How long a wake-up waits for more commits before draining (Kafka's
   * linger.ms): fewer, larger record batches. The broker hands a consumer
   * about one record batch per partition per fetch, so batch size is what
   * sync throughput scales with.
   */
  lingerMs?: number;
  logger?: Logger;
}

interface OutboxRow {
  id: string;
  document_id: string;
  version: number;
}

/**
 * Publishes outbox rows to job-es-sync after their transaction commits. It
 * wakes on the NOTIFY each writing transaction raises (delivered on commit)
 * and on a slow poll. A batch is deleted only in the transaction that locked
 * it, after Kafka acknowledged it: a failed send rolls back and the rows stay
 * (the documents also stay in the sync gap, where the backup poller finds them).
 */
export class OutboxDrainer {
  readonly counters = { published: 0, failedSends: 0 };
  private readonly topic: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private readonly logger: Logger;
  private listener: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private stopped = false;
  private readonly stopSignal = new AbortController();

  constructor(private readonly options: OutboxDrainerOptions) {
    this.topic = options.topic ?? SYNC_TOPIC;
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.lingerMs = options.lingerMs ?? 200;
    this.logger = options.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => {
      if (!this.listener) void this.listen().catch(() => undefined);
      this.wake();
    }, this.pollIntervalMs);
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.draining;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  /** Drains now (or right after the drain in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainAll().finally(() => {
      this.draining = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Waits for the drain in progress, if any. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.postgresUrl,
      connectionTimeoutMillis: 5000,
      application_name: 'sandbox-outbox-listener',
    });
    client.on('error', () => {
      // The poll keeps draining; the next tick opens a new listener.
      if (this.listener === client) this.listener = null;
      void client.end().catch(() => undefined);
    });
    client.on('notification', () => this.wake());
    await client.connect();
    await withTimeout(client.query(`LISTEN ${OUTBOX_CHANNEL}`), 5000, 'LISTEN');
    if (this.stopped) {
      await client.end();
      return;
    }
    this.listener = client;
  }

  private async drainAll(): Promise<void> {
    if (this.lingerMs > 0) await sleep(this.lingerMs, this.stopSignal.signal);
    try {
      while (!this.stopped && (await this.drainBatch()) === this.batchSize);
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.counters.failedSends += 1;
      const delay = backoffDelay(this.failures, 500, 10_000);
      this.logger.warn('outbox drain failed; rows stay for the next attempt', {
        error: errorMessage(error),
        retryInMs: delay,
      });
      await sleep(delay, this.stopSignal.signal);
    }
  }

  /** Publishes and deletes one batch; returns how many rows it took. */
  private async drainBatch(): Promise<number> {
    const client = await this.options.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const rows = await client.query<OutboxRow>(
        `SELECT id, document_id, version FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const publishedAt = new Date().toISOString();
      await this.options.publisher.send(
        this.topic,
        rows.rows.map((row) =>
          syncMessage({
            id: row.document_id,
            version: row.version,
            source: 'outbox',
            published_at: publishedAt,
          }),
        ),
      );
      await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [
        rows.rows.map((row) => row.id),
      ]);
      await client.query('COMMIT');
      this.counters.published += rows.rows.length;
      return rows.rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
