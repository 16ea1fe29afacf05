import { ReplyError } from 'ioredis';
import { redactText } from '@shared/log/redact';
import { isSocketErrorCode } from '@shared/net/socketErrors';

/**
 * A server the job needs is unreachable or shutting down: the job pauses and
 * resumes by itself once a probe succeeds. Anything else fails the step or
 * the job.
 */
export class OutageError extends Error {
  constructor(
    readonly service: 'Redis' | 'Kafka' | 'PostgreSQL',
    readonly detail: string,
  ) {
    super(`${service} unavailable: ${detail}`);
    this.name = 'OutageError';
  }
}

type ErrorLike = {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  retriable?: unknown;
  cause?: unknown;
  originalError?: unknown;
};

function chain(error: unknown): ErrorLike[] {
  const links: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && links.length < 8) {
    const link = current as ErrorLike;
    links.push(link);
    current = link.originalError ?? link.cause;
  }
  return links;
}

export function describeError(error: unknown): string {
  const first = chain(error)[0];
  const message = first && typeof first.message === 'string' ? first.message : String(error);
  const code = first && typeof first.code === 'string' ? ` (${first.code})` : '';
  return redactText(`${message}${code}`).slice(0, 500);
}

/** ioredis: a reply error is the server answering; anything else is the connection. */
export function isRedisOutage(error: unknown): boolean {
  if (error instanceof OutageError) return true;
  return !(error instanceof ReplyError);
}

/** SQLSTATE classes that mean "the server or connection", not "your statement". */
const PG_OUTAGE_CLASSES = new Set(['08', '53', '57', '58']);
const PG_TRANSIENT_STATES = new Set(['40001', '40P01', '55P03']);

export function isPostgresOutage(error: unknown): boolean {
  if (error instanceof OutageError) return true;
  const code = (error as ErrorLike | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return PG_OUTAGE_CLASSES.has(code.slice(0, 2)) || PG_TRANSIENT_STATES.has(code);
  }
  // Socket errors, "Connection terminated", connect and query timeouts.
  return true;
}

const KAFKA_OUTAGE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
]);
export function isKafkaOutage(error: unknown): boolean {
  if (error instanceof OutageError) return true;
  for (const link of chain(error)) {
    if (typeof link.name === 'string' && KAFKA_OUTAGE_NAMES.has(link.name)) return true;
    if (isSocketErrorCode(link.code)) return true;
    // Protocol errors Kafka itself calls retriable: leader moves, timeouts, not enough replicas.
    if (link.name === 'KafkaJSProtocolError' && link.retriable === true) return true;
  }
  return false;
}
