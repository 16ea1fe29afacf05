import type { HeaderPolicy } from '@shared/contract';
import { isUtf8 } from '../bytes';
import { isErrorHeader, type RecordHeader } from '../kafkaHeaders';

// Kept here for the modules that import it from here; the target kinds own it.
export { describeTarget } from './targetKinds';

export const REPLAY_ID_HEADER = 'x-sluice-replay-id';
export const ORIGIN_HEADER = 'x-sluice-origin';

/** Replay notes, in the job view: where a message's replay id and origin travel. */
export const HEADER_MARKS_NOTE =
  'Each record carries x-sluice-replay-id and x-sluice-origin headers.';
export const JSON_MARKS_NOTE =
  'JSON-object payloads carry "x-sluice-replay-id" and "x-sluice-origin" members; any other payload is pushed byte for byte and its replay id stays in the job journal.';
export const UNMARKED_NOTE =
  "Payloads are pushed byte for byte; each entry's replay id (job id:step) and origin are kept in the job journal.";

export function replayIdFor(jobId: string, step: number): string {
  return `${jobId}:${step}`;
}

/**
 * Adds the replay id and origin to a payload that is a JSON object, as two
 * members appended before its closing brace: every original byte before it
 * stays as it was. A payload that is not a UTF-8 JSON object (raw bytes,
 * text, arrays) is returned untouched: it cannot carry fields without
 * changing what it means, so its replay id lives only in the job journal.
 * An object that carries the members already (replayed before) is written
 * anew with the new values, never with duplicate names.
 */
export function markJsonObject(payload: Buffer, replayId: string, origin: string): Buffer {
  if (!isUtf8(payload)) return payload;
  const text = payload.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return payload;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return payload;
  const object = parsed as Record<string, unknown>;
  if (REPLAY_ID_HEADER in object || ORIGIN_HEADER in object) {
    return Buffer.from(
      JSON.stringify({ ...object, [REPLAY_ID_HEADER]: replayId, [ORIGIN_HEADER]: origin }),
      'utf8',
    );
  }
  const close = text.lastIndexOf('}');
  const members = `${JSON.stringify(REPLAY_ID_HEADER)}:${JSON.stringify(replayId)},${JSON.stringify(ORIGIN_HEADER)}:${JSON.stringify(origin)}`;
  const separator = Object.keys(object).length === 0 ? '' : ',';
  return Buffer.from(`${text.slice(0, close)}${separator}${members}${text.slice(close)}`, 'utf8');
}

function matches(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Kafka headers after keep/strip/add, with the replay id and origin always set. */
export function applyHeaderPolicy(
  headers: readonly RecordHeader[],
  policy: HeaderPolicy,
  replayId: string,
  origin: string,
): RecordHeader[] {
  const added = new Set([REPLAY_ID_HEADER, ORIGIN_HEADER, ...policy.add.map((h) => h.name)]);
  const kept =
    policy.mode === 'strip-all'
      ? []
      : headers.filter(
          (h) =>
            !(policy.mode === 'strip-errors' && isErrorHeader(h.name)) &&
            !policy.strip.some((pattern) => matches(h.name, pattern)) &&
            !added.has(h.name),
        );
  return [
    ...kept,
    ...policy.add.map((h) => ({ name: h.name, value: Buffer.from(h.value, 'utf8') })),
    { name: REPLAY_ID_HEADER, value: Buffer.from(replayId, 'utf8') },
    { name: ORIGIN_HEADER, value: Buffer.from(origin, 'utf8') },
  ];
}
