import type { Writable } from 'node:stream';
import type { AuditFilter } from '../../../../src-preload/contract';
import type { AuditLog } from '../auditLog';
import { AUDIT_COLUMNS } from '../record';
import { endStream, writeChunk } from './stream';
import type { ExportOptions, ExportSummary } from './types';

/** Header of every CSV export: the table's columns, then the chain head at export time. */
export const CSV_HEADER = [...AUDIT_COLUMNS, 'chain_head_hash'];

const FORMULA_START = `('=', '+', '-', '@', char(9), char(13))`;

/**
 * One CSV cell in SQL (RFC 4180): NULL is empty; a cell that starts like a
 * spreadsheet formula (= + - @ tab CR) is prefixed with a single quote so it is
 * shown as text, never evaluated; cells with a quote, comma or line break are
 * quoted with inner quotes doubled.
 */
function csvCellSql(column: string): string {
  return `CASE
    WHEN ${column} IS NULL THEN ''
    WHEN substr(${column}, 1, 1) IN ${FORMULA_START} THEN '"''' || replace(${column}, '"', '""') || '"'
    WHEN instr(${column}, '"') OR instr(${column}, ',') OR instr(${column}, char(10)) OR instr(${column}, char(13))
      THEN '"' || replace(${column}, '"', '""') || '"'
    ELSE ${column} END`;
}

/** The same rules in JavaScript, for the header and tests. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    return `"'${text.replace(/"/g, '""')}"`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLineSql(headHash: string): string {
  if (!/^[0-9a-f]{64}$/.test(headHash)) throw new Error('chain head is not a SHA-256 hex digest');
  const cells = AUDIT_COLUMNS.map((column) => (column === 'seq' ? 'seq' : csvCellSql(column)));
  return `concat_ws(',', ${cells.join(', ')}, '${headHash}') || char(13, 10)`;
}

/**
 * Writes the records matching `filter` (up to the head) as CSV, oldest first,
 * CRLF line ends, and ends `out`. Each page of rows is formatted inside SQLite
 * and written as one chunk, waiting for the stream to drain.
 */
export async function writeCsv(
  log: AuditLog,
  filter: AuditFilter,
  out: Writable,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const head = options.head ?? log.head();
  await writeChunk(out, `${CSV_HEADER.map(csvCell).join(',')}\r\n`);
  let records = 0;
  for (const page of log.textPages(csvLineSql(head.hash), filter, head.seq)) {
    records += page.count;
    await writeChunk(out, page.text);
  }
  await endStream(out);
  return { records, listed: records, head };
}
