import { randomUUID } from 'node:crypto';

/** What a generated write is meant to exercise. */
export type WriteKind =
  'valid' | 'invalidJson' | 'schemaViolation' | 'poison' | 'oversized' | 'nonUtf8';

/** Fractions of all writes, per failure kind; the rest are valid. */
export interface FailureMix {
  /** Pushed straight onto the queue (a producer bypassing the API): dead-lettered as InvalidJson. */
  invalidJson: number;
  /** Through the API (it checks only key and value presence): dead-lettered as SchemaViolation. */
  schemaViolation: number;
  /** Valid for the worker, refused by the index's mapping: end up in job-es-sync.dlq. */
  poison: number;
  /** A value over the document size limit, through the API: dead-lettered as DocumentTooLarge. */
  oversized: number;
  /** Latin-1 bytes pushed straight onto the queue: dead-lettered as InvalidEncoding. */
  nonUtf8: number;
}

export const NO_FAILURES: FailureMix = {
  invalidJson: 0,
  schemaViolation: 0,
  poison: 0,
  oversized: 0,
  nonUtf8: 0,
};

/** About one write in a hundred fails somewhere. */
export const DEFAULT_MIX: FailureMix = {
  invalidJson: 0.002,
  schemaViolation: 0.003,
  poison: 0.002,
  oversized: 0.001,
  nonUtf8: 0.002,
};

export function pickKind(mix: FailureMix, random: number): WriteKind {
  let threshold = 0;
  for (const kind of [
    'invalidJson',
    'schemaViolation',
    'poison',
    'oversized',
    'nonUtf8',
  ] as const) {
    threshold += mix[kind];
    if (random < threshold) return kind;
  }
  return 'valid';
}

const WORDS = [
  'amber',
  'basalt',
  'cedar',
  'delta',
  'ember',
  'fjord',
  'granite',
  'harbor',
  'indigo',
  'juniper',
  'kelp',
  'lagoon',
  'meadow',
  'nectar',
  'obsidian',
  'pepper',
  'quartz',
  'river',
  'saffron',
  'tundra',
];

function word(n: number): string {
  return WORDS[n % WORDS.length]!;
}

function title(seq: number): string {
  return `${word(seq)} ${word(seq >> 3)} ${word(seq >> 6)}`;
}

export function validValue(seq: number): Record<string, unknown> {
  return {
    title: title(seq),
    price: Math.round((seq % 10_000) * 1.37) / 100,
    tags: [word(seq), word(seq + 7)],
    text: `${title(seq)} in stock, batch ${seq}`,
    seq,
  };
}

/** A write for the API: {key, value} as JSON text. */
export function apiBody(
  kind: 'valid' | 'schemaViolation' | 'poison' | 'oversized',
  seq: number,
  key: string,
): string {
  switch (kind) {
    case 'valid':
      return JSON.stringify({ key, value: validValue(seq) });
    case 'schemaViolation':
      // Alternate between two violations the API does not check.
      return seq % 2 === 0
        ? JSON.stringify({ key, value: [validValue(seq)] })
        : JSON.stringify({ key: `bad key ${seq}`, value: validValue(seq) });
    case 'poison':
      // Own keys, so a later valid write to the same key does not heal it.
      return seq % 2 === 0
        ? JSON.stringify({ key: `poison-${seq}`, value: { ...validValue(seq), price: 'twelve' } })
        : JSON.stringify({
            key: `poison-${seq}`,
            value: { ...validValue(seq), tags: 'not-a-list' },
          });
    case 'oversized':
      return JSON.stringify({ key, value: { ...validValue(seq), text: 'x'.repeat(40 * 1024) } });
  }
}

/** A queue entry that did not come through the API. */
export function rawEntry(kind: 'invalidJson' | 'nonUtf8', seq: number, key: string): Buffer {
  if (kind === 'invalidJson') {
    // Truncated mid-string, as a producer that crashed mid-write would leave it.
    return Buffer.from(
      `{"id":"${randomUUID()}","key":"${key}","value":{"title":"${title(seq)}`,
      'utf8',
    );
  }
  const head = Buffer.from(`{"id":"${randomUUID()}","key":"${key}","value":{"title":"caf`, 'utf8');
  // 0xE9 is é in Latin-1 and never valid on its own in UTF-8.
  return Buffer.concat([head, Buffer.from([0xe9]), Buffer.from('"}}', 'utf8')]);
}
