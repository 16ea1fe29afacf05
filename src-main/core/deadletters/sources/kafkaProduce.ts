/** How a replay's records are cut into produce requests and given their headers. */
import type { IHeaders } from 'kafkajs';
import type { MoveItem } from '../source';

/**
 * One produce request holds at most this much: below the broker's default
 * message.max.bytes (1 MiB) for one partition's batch, and small enough that
 * the throttle time a quota answers with spreads the replay evenly instead of
 * letting one large request through and then stalling.
 */
export const PRODUCE_REQUEST_BYTES = 256 * 1024;
export const PRODUCE_REQUEST_RECORDS = 1000;

/** Consecutive runs of items, each within the produce request bounds above. */
export function produceRequests<T>(items: readonly T[], size: (item: T) => number): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = size(item);
    const full =
      current.length >= PRODUCE_REQUEST_RECORDS || bytes + itemBytes > PRODUCE_REQUEST_BYTES;
    if (current.length > 0 && full) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += itemBytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/** What a record adds to a produce request, about: key, value and headers. */
export function recordBytes(item: MoveItem): number {
  let bytes = item.payload.length + (item.recordKey?.length ?? 0);
  for (const { name, value } of item.headers) bytes += name.length + value.length;
  return bytes;
}

/**
 * kafkajs takes repeated header names as an array value. A null-prototype
 * object: a header named "__proto__" stays a header like any other.
 */
export function groupHeaders(item: MoveItem): IHeaders {
  const grouped = Object.create(null) as Record<string, Buffer | Buffer[]>;
  for (const { name, value } of item.headers) {
    const existing = grouped[name];
    if (existing === undefined) grouped[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else grouped[name] = [existing, value];
  }
  return grouped;
}
