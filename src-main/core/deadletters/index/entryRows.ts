/** The shapes of the dead-letter index: what goes in, and rows as read back. */

import type { EntryFacts } from '../envelope';

/** The facts every store yields, as the index keeps them. */
type IndexedFacts = Pick<
  EntryFacts,
  'externalId' | 'errorClass' | 'reason' | 'origin' | 'firstFailedAt' | 'lastFailedAt' | 'attempts'
>;

/** What the index keeps of one entry. */
export interface IndexedEntry extends IndexedFacts {
  pos: number;
  hash: Buffer;
  raw: Buffer;
  recordKey: Buffer | null;
  headersJson: string | null;
  partition: number | null;
  offset: number | null;
  recordTs: number | null;
  size: number;
  /** Words for the full-text index. */
  searchText: string;
}

/** One index row as read back. */
export interface IndexRow {
  id: number;
  pos: number;
  hash: Buffer;
  raw: Buffer;
  record_key: Buffer | null;
  headers_json: string | null;
  partition: number | null;
  offset: number | null;
  record_ts: number | null;
  external_id: string | null;
  error_class: string | null;
  reason: string | null;
  origin: string | null;
  first_failed_at: number | null;
  last_failed_at: number | null;
  attempts: number | null;
  size: number;
  resolved_kind: 'replayed' | 'discarded' | null;
  resolved_at: string | null;
  resolved_reason: string | null;
}

/** The columns a list needs: everything but the payload bytes. */
export type IndexListRow = Omit<IndexRow, 'raw' | 'hash' | 'headers_json' | 'record_key'>;
