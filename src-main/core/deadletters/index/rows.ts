import type { DeadLetterRow } from '@shared/contract';
import { isoOrNull } from '../paths';
import type { IndexListRow } from './entryIndex';

export function rowFromIndex(row: IndexListRow, key: string): DeadLetterRow {
  return {
    key,
    externalId: row.external_id,
    errorClass: row.error_class,
    reason: row.reason,
    firstFailedAt: isoOrNull(row.first_failed_at ?? row.record_ts),
    lastFailedAt: isoOrNull(row.last_failed_at ?? row.record_ts),
    attempts: row.attempts,
    origin: row.origin,
    size: row.size,
    resolved:
      row.resolved_kind === null
        ? null
        : { kind: row.resolved_kind, at: row.resolved_at, reason: row.resolved_reason },
    edited: false,
  };
}
