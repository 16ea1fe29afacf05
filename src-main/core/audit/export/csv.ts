import type { Writable } from 'node:stream';
import type { AuditFilter } from '@shared/contract';
import type { AuditLog } from '../auditLog';
import { AUDIT_COLUMNS } from '../record';
import { pipeSegments } from './segments';
import { writeChunk } from './stream';
import type { ExportOptions, ExportSummary } from './types';

/** Header of every CSV export: the table's columns, then the chain head at export time. */
export const CSV_HEADER = [...AUDIT_COLUMNS, 'chain_head_hash'];

/**
 * Writes the records matching `filter` (up to the head) as CSV, oldest first,
 * and ends `out`. Formatting rules: see export.worker.ts. Worker threads format
 * segments of the log while this function writes them in order, waiting for
 * `out` to drain.
 */
export async function writeCsv(
  log: AuditLog,
  filter: AuditFilter,
  out: Writable,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const head = options.head ?? log.head();
  await writeChunk(out, `${CSV_HEADER.join(',')}\r\n`);
  const records = await pipeSegments(out, log.workerDatabase(), 'csv', filter, head, options);
  return { records, listed: records, head };
}
