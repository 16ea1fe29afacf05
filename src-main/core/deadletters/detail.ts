import type { DeadLetterDetail } from '@shared/contract';
import { payloadView, sha256 } from './bytes';
import type { SavedEdit } from './edit/editStore';
import { isoOrNull } from './paths';
import type { EntrySnapshot } from './source';

export function detailOf(snapshot: EntrySnapshot, edit: SavedEdit | null): DeadLetterDetail {
  return {
    row: { ...snapshot.row, edited: edit !== null },
    payload: payloadView(edit?.payload ?? snapshot.payload),
    original: edit ? payloadView(snapshot.payload) : null,
    headers: snapshot.headers.map((header) => {
      const view = payloadView(header.value);
      return { name: header.name, text: view.text, base64: view.base64 };
    }),
    metadata: snapshot.metadata,
    edit: edit ? { editedAt: edit.editedAt, operator: edit.operator } : null,
    kafka: snapshot.kafka
      ? {
          partition: snapshot.kafka.partition,
          offset: snapshot.kafka.offset,
          timestamp: isoOrNull(snapshot.kafka.timestamp),
          key: snapshot.recordKey ? payloadView(snapshot.recordKey) : null,
        }
      : null,
  };
}

/** An audit copy of a payload version: whole up to a limit, else its start, size and digest. */
export function auditPayload(bytes: Buffer, limit = 1024 * 1024): unknown {
  const view = payloadView(bytes.length > limit ? bytes.subarray(0, limit) : bytes);
  return {
    size: bytes.length,
    sha256: sha256(bytes).toString('hex'),
    truncated: bytes.length > limit,
    text: view.text,
    base64: view.base64,
  };
}
