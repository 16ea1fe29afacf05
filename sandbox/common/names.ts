/**
 * Names the pipeline shares with whoever watches it: Redis keys, Kafka topics,
 * the consumer group, the PostgreSQL notification channel.
 */
export const WRITE_QUEUE = 'write_queue';
export const PROCESSING_SUFFIX = ':processing';
export const DEAD_SUFFIX = ':dead';
/** Hash of counters (queued, processed, failed) shared by the writer and the worker. */
export const STATS_SUFFIX = ':stats';

export const SYNC_TOPIC = 'job-es-sync';
export const SYNC_DLQ_TOPIC = 'job-es-sync.dlq';
export const SYNC_GROUP = 'es-sync';
export const SYNC_CONNECTOR_NAME = 'es-sync';

/** NOTIFY channel raised inside every transaction that adds outbox rows; delivered on commit. */
export const OUTBOX_CHANNEL = 'sandbox_outbox';

export interface QueueKeys {
  queue: string;
  processing: string;
  dead: string;
  stats: string;
}

export function queueKeys(queue: string = WRITE_QUEUE): QueueKeys {
  return {
    queue,
    processing: `${queue}${PROCESSING_SUFFIX}`,
    dead: `${queue}${DEAD_SUFFIX}`,
    stats: `${queue}${STATS_SUFFIX}`,
  };
}
