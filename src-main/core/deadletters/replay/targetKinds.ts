import type { ConcreteReplayTarget } from '@shared/contract';

/**
 * Replay TARGET kinds: where a replay writes to, as opposed to the kind of
 * the dead-letter source it reads from (which only the adapters in sources/
 * know). This is the one module outside sources/ that looks at a target's
 * kind: what each kind of target is called and how a message delivered to it
 * carries its replay id and origin.
 */

/** A target in a few words, e.g. "redis:write_queue (tail)". */
export function describeTarget(target: ConcreteReplayTarget): string {
  switch (target.kind) {
    case 'redis-list':
      return `redis:${target.key}${target.side === 'tail' ? ' (tail)' : ''}`;
    case 'kafka-topic':
      return `kafka:${target.topic}`;
    case 'postgres-table':
      return `postgres:${target.schema}.${target.table}`;
  }
}

/**
 * How a message delivered to this target carries its replay id and origin:
 * headers: a Kafka record's headers (after the header policy);
 * json-members: members of a JSON-object payload, when the source marks
 *   (a Redis list element has nowhere else to carry them);
 * columns: a table row's own columns, when configured (the payload is untouched).
 */
export type ReplayMarks = 'headers' | 'json-members' | 'columns';

export function replayMarksOf(target: ConcreteReplayTarget): ReplayMarks {
  switch (target.kind) {
    case 'kafka-topic':
      return 'headers';
    case 'redis-list':
      return 'json-members';
    case 'postgres-table':
      return 'columns';
  }
}
