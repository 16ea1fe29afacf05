import type pg from 'pg';
import type { Logger } from '@shared/log/logger';
import { silentLogger } from '@shared/log/logger';
import { errorMessage } from '../common/errors';
import { SYNC_TOPIC } from '../common/names';
import { SYNC_GAP_CONDITION } from '../schema/syncGap';
import { syncMessage } from './kafka';
import type { Publisher } from './kafka';

export interface BackupPollerOptions {
  pool: pg.Pool;
  publisher: Publisher;
  topic?: string;
  /** Rows in the gap for longer than this are re-published. */
  thresholdMs?: number;
  intervalMs?: number;
  /** Rows per pass, oldest first. */
  limit?: number;
  logger?: Logger;
}

/**
 * The safety net behind the outbox: rows still in the sync gap after
 * `thresholdMs` (a lost event, a send that failed for good, a consumer that
 * skipped) are published to job-es-sync again. A row is not re-published more
 * often than once per threshold, and a version the sync consumer dead-lettered
 * waits until it changes.
 */
export class BackupPoller {
  readonly counters = { passes: 0, republished: 0, failures: 0 };
  private readonly topic: string;
  private readonly thresholdMs: number;
  private readonly intervalMs: number;
  private readonly limit: number;
  private readonly logger: Logger;
  private readonly lastPublished = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly options: BackupPollerOptions) {
    this.topic = options.topic ?? SYNC_TOPIC;
    this.thresholdMs = options.thresholdMs ?? 30_000;
    this.intervalMs = options.intervalMs ?? 5000;
    this.limit = options.limit ?? 1000;
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.poll().finally(() => (this.running = null));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; returns how many rows it re-published. */
  async poll(): Promise<number> {
    this.counters.passes += 1;
    const now = Date.now();
    // Forget rows re-published long enough ago: keeps the map as small as the recent gap.
    for (const [id, at] of this.lastPublished) {
      if (now - at >= this.thresholdMs) this.lastPublished.delete(id);
    }
    try {
      const result = await this.options.pool.query<{ id: string; version: number }>(
        `SELECT id, version FROM documents
          WHERE ${SYNC_GAP_CONDITION}
            AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
            AND (sync_dead_at IS NULL OR sync_dead_at < updated_at)
          ORDER BY updated_at
          LIMIT $2`,
        [this.thresholdMs, this.limit],
      );
      const due = result.rows.filter((row) => !this.lastPublished.has(row.id));
      if (due.length === 0) return 0;
      const publishedAt = new Date().toISOString();
      await this.options.publisher.send(
        this.topic,
        due.map((row) =>
          syncMessage({
            id: row.id,
            version: row.version,
            source: 'backup-poller',
            published_at: publishedAt,
          }),
        ),
      );
      for (const row of due) this.lastPublished.set(row.id, now);
      this.counters.republished += due.length;
      this.logger.info('backup poller re-published rows from the sync gap', { rows: due.length });
      return due.length;
    } catch (error) {
      this.counters.failures += 1;
      this.logger.warn('backup poller pass failed', { error: errorMessage(error) });
      return 0;
    }
  }
}
