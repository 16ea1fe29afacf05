/** How Kafka's refusals reach the group service: types unwrapped, the ambiguous ones in words. */

/** A broker refused an offset commit because the group has members (or is rebalancing). */
export class GroupNotEmptyError extends Error {
  constructor(
    readonly groupId: string,
    readonly code: string,
  ) {
    super(`the coordinator refused the commit for group ${groupId}: ${code}`);
    this.name = 'GroupNotEmptyError';
  }
}

/** Kafka's answers to a commit from outside a group that still has members. */
export const MEMBERS_PRESENT = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
]);

/** The Kafka error type of an error or of what it wraps (kafkajs's retrier wraps the last one). */
export function kafkaErrorType(error: unknown): string | undefined {
  for (let link = error, depth = 0; link && depth < 5; depth += 1) {
    const type = (link as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    link = (link as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * kafkajs refuses a whole Metadata answer when one partition of one topic
 * has no leader, so one offline partition hides every topic; say that
 * instead of LEADER_NOT_AVAILABLE.
 */
export function explainMetadataError(error: unknown): unknown {
  if (kafkaErrorType(error) !== 'LEADER_NOT_AVAILABLE') return error;
  return new Error(
    'a partition has no leader (is a broker down?), and the topic list cannot be read ' +
      'until every partition has one',
  );
}
