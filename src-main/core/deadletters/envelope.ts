import type { RedisEnvelopeFields } from '@shared/contract';
import { isUtf8 } from './bytes';
import { asEpochMs, asInteger, asText, readPath } from './paths';

/** What Sluice knows about one dead letter, whatever store it sits in. */
export interface EntryFacts {
  externalId: string | null;
  errorClass: string | null;
  reason: string | null;
  /** Where it came from: a queue name, "topic/partition@offset", an origin column. */
  origin: string | null;
  firstFailedAt: number | null;
  lastFailedAt: number | null;
  attempts: number | null;
  /** The payload bytes, as they were before the failure (as far as the store kept them). */
  payload: Buffer;
  /** Name/value pairs shown in the detail view. */
  metadata: { name: string; value: string }[];
}

function emptyFacts(payload: Buffer): EntryFacts {
  return {
    externalId: null,
    errorClass: null,
    reason: null,
    origin: null,
    firstFailedAt: null,
    lastFailedAt: null,
    attempts: null,
    payload,
    metadata: [],
  };
}

/** A raw-format element: the element is the payload, nothing else is known. */
export function rawEntryFacts(element: Buffer): EntryFacts {
  return emptyFacts(element);
}

/**
 * Reads a JSON envelope with the configured field mapping. The payload field
 * holds the original entry: a string is its text, "payload_encoding":
 * "base64" marks raw bytes, anything else is JSON and is serialized again
 * (the envelope did not keep the original spacing). An element that is not
 * an envelope at all is treated as a raw payload.
 */
export function envelopeFacts(element: Buffer, fields: RedisEnvelopeFields): EntryFacts {
  if (!isUtf8(element)) return emptyFacts(element);
  let envelope: unknown;
  try {
    envelope = JSON.parse(element.toString('utf8'));
  } catch {
    return emptyFacts(element);
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return emptyFacts(element);
  }
  const read = (path: string | null): unknown =>
    path === null ? undefined : readPath(envelope, path);
  const rawPayload = read(fields.payload);
  const encoding = asText(read(fields.payloadEncoding));
  let payload: Buffer;
  if (rawPayload === undefined) payload = Buffer.alloc(0);
  else if (typeof rawPayload === 'string') {
    payload =
      encoding !== null && encoding.toLowerCase() === 'base64'
        ? Buffer.from(rawPayload, 'base64')
        : Buffer.from(rawPayload, 'utf8');
  } else payload = Buffer.from(JSON.stringify(rawPayload), 'utf8');

  const used = new Set(
    [
      fields.payload,
      fields.payloadEncoding,
      fields.id,
      fields.errorClass,
      fields.errorMessage,
      fields.attempts,
      fields.firstFailedAt,
      fields.lastFailedAt,
      fields.origin,
    ].filter((path): path is string => path !== null),
  );
  const metadata: { name: string; value: string }[] = [];
  for (const [name, value] of Object.entries(envelope as Record<string, unknown>)) {
    if (used.has(name)) continue;
    const text = asText(value);
    if (text !== null) metadata.push({ name, value: text.slice(0, 4000) });
  }
  return {
    externalId: asText(read(fields.id)),
    errorClass: asText(read(fields.errorClass)),
    reason: asText(read(fields.errorMessage)),
    origin: asText(read(fields.origin)),
    firstFailedAt: asEpochMs(read(fields.firstFailedAt)),
    lastFailedAt: asEpochMs(read(fields.lastFailedAt)),
    attempts: asInteger(read(fields.attempts)),
    payload,
    metadata,
  };
}
