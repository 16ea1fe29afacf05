import { isUtf8 as validUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { PayloadView } from '@shared/contract';

/**
 * True when the bytes are well-formed UTF-8, so they decode to text and
 * encode back to exactly the same bytes. node:buffer's isUtf8 checks in
 * place (simdutf) instead of decoding and re-encoding a copy.
 */
export function isUtf8(bytes: Buffer): boolean {
  return validUtf8(bytes);
}

export function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  if (first === undefined) return false;
  if (!'{["-0123456789tfn'.includes(first)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Bytes as the UI receives them: text when they are UTF-8, base64 when they are not. */
export function payloadView(bytes: Buffer): PayloadView {
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    return { size: bytes.length, utf8: true, text, base64: null, json: looksLikeJson(text) };
  }
  return {
    size: bytes.length,
    utf8: false,
    text: null,
    base64: bytes.toString('base64'),
    json: false,
  };
}

/** A short, safe preview for lists and samples. */
export function truncatedView(bytes: Buffer, maxBytes: number): PayloadView {
  if (bytes.length <= maxBytes) return payloadView(bytes);
  const view = payloadView(bytes.subarray(0, maxBytes));
  return { ...view, size: bytes.length, json: false };
}

/** Text for the full-text index: UTF-8 payloads only, the first maxBytes of them. */
export function searchableText(bytes: Buffer, maxBytes: number): string {
  if (!isUtf8(bytes)) return '';
  // A cut inside a character only garbles that one character.
  return (bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes).toString('utf8');
}
