import type { Redis } from 'ioredis';
import type { QueueKeys } from '../common/names';

export interface BatchSourceOptions {
  batchSize: number;
  /** How long to keep filling a batch once its first entry arrived. */
  batchTimeoutMs: number;
  /** How long one blocking pop waits for a first entry before returning an empty batch. */
  idleBlockMs: number;
}

/** BLMOVE takes seconds as a decimal; 0 would block forever. */
function blockSeconds(ms: number): number {
  return Math.max(ms, 10) / 1000;
}

/**
 * Pops entries for the worker with BLMOVE/LMOVE: each entry moves atomically
 * from the queue's tail (oldest) to the head of the processing list, so an
 * entry is always in one of the two lists (or acknowledged) whatever happens
 * to the worker. Entries come back oldest first.
 */
export class BatchSource {
  constructor(
    private readonly blocking: Redis,
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly options: BatchSourceOptions,
  ) {}

  async next(): Promise<Buffer[]> {
    const { queue, processing } = this.keys;
    const first = await this.blocking.blmoveBuffer(
      queue,
      processing,
      'RIGHT',
      'LEFT',
      blockSeconds(this.options.idleBlockMs),
    );
    if (!first) return [];
    const batch: Buffer[] = [first];
    const deadline = Date.now() + this.options.batchTimeoutMs;
    while (batch.length < this.options.batchSize) {
      // Whatever is already queued, in one round trip.
      const pipeline = this.redis.pipeline();
      const wanted = this.options.batchSize - batch.length;
      for (let i = 0; i < wanted; i += 1) pipeline.lmoveBuffer(queue, processing, 'RIGHT', 'LEFT');
      const replies = (await pipeline.exec()) ?? [];
      let drained = false;
      for (const [error, value] of replies) {
        if (error) throw error;
        if (value) batch.push(value as Buffer);
        else drained = true;
      }
      if (!drained) continue;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || batch.length >= this.options.batchSize) break;
      const next = await this.blocking.blmoveBuffer(
        queue,
        processing,
        'RIGHT',
        'LEFT',
        blockSeconds(remaining),
      );
      if (!next) break;
      batch.push(next);
    }
    return batch;
  }

  /**
   * Puts everything a previous run left in the processing list back at the
   * tail of the queue, so it is processed next, oldest first.
   * Only one worker may own a processing list.
   */
  async recover(): Promise<number> {
    let moved = 0;
    for (;;) {
      const entry = await this.redis.lmoveBuffer(
        this.keys.processing,
        this.keys.queue,
        'LEFT',
        'RIGHT',
      );
      if (!entry) return moved;
      moved += 1;
    }
  }
}
