/**
 * Kafka Connect (`__connect.errors.*`) and Spring Kafka (`kafka_dlt-*`)
 * dead-letter headers: where a record came from and why it failed.
 */
export interface RecordHeader {
  name: string;
  value: Buffer;
}

export interface DeadLetterOrigin {
  topic: string | null;
  partition: number | null;
  offset: string | null;
  exceptionClass: string | null;
  message: string | null;
  /** Spring's original timestamp, epoch ms. */
  originalTimestamp: number | null;
}

export const CONNECT_PREFIX = '__connect.errors.';
export const SPRING_PREFIX = 'kafka_dlt-';
export const ERROR_HEADER_PREFIXES = [CONNECT_PREFIX, SPRING_PREFIX] as const;

function lastHeader(headers: readonly RecordHeader[], name: string): Buffer | null {
  for (let i = headers.length - 1; i >= 0; i -= 1) {
    const header = headers[i]!;
    if (header.name === name) return header.value;
  }
  return null;
}

function text(value: Buffer | null): string | null {
  if (value === null) return null;
  const decoded = value.toString('utf8');
  return decoded.length > 0 ? decoded : null;
}

function isPrintable(value: Buffer): boolean {
  for (const byte of value) if (byte < 0x20 || byte > 0x7e) return false;
  return true;
}

/**
 * Spring writes partition as a 4-byte and offset/timestamp as an 8-byte
 * big-endian integer (older versions); Connect and newer Spring write text.
 */
function integer(value: Buffer | null): string | null {
  if (value === null || value.length === 0) return null;
  if (isPrintable(value)) {
    const decoded = value.toString('utf8').trim();
    return /^-?\d+$/.test(decoded) ? decoded : null;
  }
  if (value.length === 4) return String(value.readInt32BE(0));
  if (value.length === 8) return value.readBigInt64BE(0).toString();
  return null;
}

export function readDeadLetterHeaders(headers: readonly RecordHeader[]): DeadLetterOrigin {
  const connect = (name: string) => lastHeader(headers, `${CONNECT_PREFIX}${name}`);
  const spring = (name: string) => lastHeader(headers, `${SPRING_PREFIX}${name}`);
  const partition = integer(connect('partition')) ?? integer(spring('original-partition'));
  const timestamp = integer(spring('original-timestamp'));
  return {
    topic: text(connect('topic')) ?? text(spring('original-topic')),
    partition: partition === null ? null : Number(partition),
    offset: integer(connect('offset')) ?? integer(spring('original-offset')),
    exceptionClass: text(connect('exception.class.name')) ?? text(spring('exception-fqcn')),
    message: text(connect('exception.message')) ?? text(spring('exception-message')),
    originalTimestamp: timestamp === null ? null : Number(timestamp),
  };
}

export function describeOrigin(origin: DeadLetterOrigin): string | null {
  if (origin.topic === null) return null;
  let label = origin.topic;
  if (origin.partition !== null) label += `/${origin.partition}`;
  if (origin.offset !== null) label += `@${origin.offset}`;
  return label;
}

export function isErrorHeader(name: string): boolean {
  return ERROR_HEADER_PREFIXES.some((prefix) => name.startsWith(prefix));
}
