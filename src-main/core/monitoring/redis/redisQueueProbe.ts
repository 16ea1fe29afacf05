import type { MonitoringConfig } from '@shared/contract';
import type { RedisConnectionConfig } from '../../connectors/types';
import type { Probe, ProbeFailure } from '../poller';
import { RedisMonitorClient } from './redisMonitorClient';

export interface QueueReading {
  key: string;
  depth: number | null;
  deadLetterKey: string | null;
  deadLetterDepth: number | null;
  inCounter: number | null;
  outCounter: number | null;
  /** Why this list could not be read (e.g. the key holds another type). */
  error: string | null;
}

export interface StreamReading {
  key: string;
  length: number | null;
  groups: { group: string; pending: number }[];
  error: string | null;
}

export interface RedisSample {
  queues: QueueReading[];
  streams: StreamReading[];
}

type RedisWatch = MonitoringConfig['redis'];

type Reply = [Error | null, unknown];

function numberOrNull(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function replyError(reply: Reply | undefined): string | null {
  if (!reply) return 'no reply';
  return reply[0] ? reply[0].message.slice(0, 200) : null;
}

/** XINFO GROUPS reply: a flat [field, value, ...] array per group. */
function parseGroups(value: unknown): { group: string; pending: number }[] {
  if (!Array.isArray(value)) return [];
  const groups: { group: string; pending: number }[] = [];
  for (const entry of value) {
    if (!Array.isArray(entry)) continue;
    let name: string | null = null;
    let pending = 0;
    for (let i = 0; i + 1 < entry.length; i += 2) {
      if (entry[i] === 'name') name = String(entry[i + 1]);
      if (entry[i] === 'pending') pending = numberOrNull(entry[i + 1]) ?? 0;
    }
    if (name !== null) groups.push({ group: name, pending });
  }
  return groups;
}

/**
 * One round trip per poll: a pipeline of LLEN for every queue and dead-letter
 * list, HMGET of the rate counters, XLEN and XPENDING (or XINFO GROUPS when no
 * group is named) for every stream. A key of the wrong type fails its own row;
 * a connection failure fails the poll.
 */
export class RedisQueueProbe implements Probe<RedisSample> {
  readonly kind = 'redis' as const;
  private readonly client: RedisMonitorClient;

  constructor(
    connection: RedisConnectionConfig,
    private readonly watch: RedisWatch,
    timeoutMs: number,
  ) {
    this.client = new RedisMonitorClient(connection, timeoutMs);
  }

  async poll(): Promise<RedisSample> {
    const redis = await this.client.client();
    const pipeline = redis.pipeline();
    const plan: (() => void)[] = [];
    const replies: Reply[] = [];
    let index = 0;
    const next = (): Reply | undefined => replies[index++];

    const queues: QueueReading[] = [];
    for (const queue of this.watch.queues) {
      pipeline.llen(queue.key);
      if (queue.deadLetterKey !== null) pipeline.llen(queue.deadLetterKey);
      if (queue.counters !== null) {
        pipeline.hmget(
          queue.counters.hash,
          queue.counters.inField,
          queue.counters.outField ?? queue.counters.inField,
        );
      }
      plan.push(() => {
        const depth = next();
        const dead = queue.deadLetterKey !== null ? next() : undefined;
        const counters = queue.counters !== null ? next() : undefined;
        const counterValues =
          counters && !counters[0] && Array.isArray(counters[1]) ? counters[1] : null;
        queues.push({
          key: queue.key,
          depth: depth && !depth[0] ? numberOrNull(depth[1]) : null,
          deadLetterKey: queue.deadLetterKey,
          deadLetterDepth: dead && !dead[0] ? numberOrNull(dead[1]) : null,
          inCounter: counterValues ? numberOrNull(counterValues[0]) : null,
          outCounter:
            counterValues && queue.counters?.outField ? numberOrNull(counterValues[1]) : null,
          error: replyError(depth) ?? (dead ? replyError(dead) : null),
        });
      });
    }

    const streams: StreamReading[] = [];
    for (const stream of this.watch.streams) {
      pipeline.xlen(stream.key);
      if (stream.groups.length === 0) pipeline.xinfo('GROUPS', stream.key);
      for (const group of stream.groups) pipeline.xpending(stream.key, group);
      plan.push(() => {
        const length = next();
        const groups: { group: string; pending: number }[] = [];
        let error = replyError(length);
        if (stream.groups.length === 0) {
          const info = next();
          // A stream that does not exist yet has no groups: not an error.
          if (info && !info[0]) groups.push(...parseGroups(info[1]));
        }
        for (const group of stream.groups) {
          const reply = next();
          if (reply && !reply[0] && Array.isArray(reply[1])) {
            groups.push({ group, pending: numberOrNull(reply[1][0]) ?? 0 });
          } else {
            error ??= `${group}: ${replyError(reply) ?? 'no reply'}`;
          }
        }
        streams.push({
          key: stream.key,
          length: length && !length[0] ? numberOrNull(length[1]) : null,
          groups,
          error,
        });
      });
    }

    const results = (await pipeline.exec()) as Reply[] | null;
    if (results === null) throw new Error('the pipeline was discarded');
    // Replies that failed because the connection went away fail the whole poll.
    const failed = results.find((reply) => reply[0] !== null);
    if (failed && redis.status !== 'ready') throw failed[0];
    replies.push(...results);
    for (const step of plan) step();
    return { queues, streams };
  }

  describeFailure(error: unknown): ProbeFailure {
    return this.client.describe(error);
  }

  async reset(): Promise<void> {
    this.client.drop();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
