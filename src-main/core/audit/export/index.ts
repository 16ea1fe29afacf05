import type { Writable } from 'node:stream';
import type { AuditExportFormat, AuditFilter } from '@shared/contract';
import type { AuditLog } from '../auditLog';
import { writeCsv } from './csv';
import { writeJsonl } from './jsonl';
import { writePdf } from './pdf';
import type { ExportOptions, ExportSummary } from './types';

export { writeCsv, writeJsonl, writePdf };
export type { ExportOptions, ExportSummary };

export const EXPORT_EXTENSIONS: Record<AuditExportFormat, string> = {
  csv: 'csv',
  jsonl: 'jsonl',
  pdf: 'pdf',
};

export const EXPORT_MIME_TYPES: Record<AuditExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/jsonl; charset=utf-8',
  pdf: 'application/pdf',
};

/** Streams an export of the given format into `out` and ends it. */
export function writeExport(
  format: AuditExportFormat,
  log: AuditLog,
  filter: AuditFilter,
  out: Writable,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  if (format === 'csv') return writeCsv(log, filter, out, options);
  if (format === 'jsonl') return writeJsonl(log, filter, out, options);
  return writePdf(log, filter, out, options);
}
