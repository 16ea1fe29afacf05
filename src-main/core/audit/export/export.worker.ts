/**
 * The worker that formats one seq range of an export (started by segments.ts
 * through startSqliteWorker). For each task {id, lo, hi} it reads the matching
 * rows (data.sql) and answers with the UTF-8 bytes of the whole range, in
 * buffers whose memory is transferred, not copied, to the main thread. Each
 * line is written into the buffer as soon as it is formatted: building one
 * long string of a segment instead costs three times the CPU in string joins.
 *
 * CSV (RFC 4180, CRLF): NULL is an empty cell; a text cell starting like a
 * spreadsheet formula (= + - @ tab CR) gets a leading single quote and is
 * quoted, so it shows as text and is never evaluated; cells with a quote,
 * comma or line break are quoted with inner quotes doubled. Every row ends
 * with the chain head's hash.
 *
 * Handing SQLite's values to JavaScript one cell at a time is most of the cost
 * of an export, so the CSV query (csvSql.ts) has SQLite join runs of plain
 * text columns into one string each and format the JSON columns itself. A
 * joined run is used as is only when it provably needs no care: exactly one
 * comma per join (so no cell holds a comma), no quote or line break, and no
 * cell starting like a formula (every cell but the first follows a comma).
 * Any other row is read again cell by cell and formatted by csvLine, the
 * definition.
 *
 * JSON Lines: one object per row with every column, keys sorted, JSON columns
 * spliced in as stored (they are canonical), text as JSON.stringify writes it,
 * NULL as null; SQLite writes the whole line (jsonlSql.ts).
 */
import { openWorkerDatabase } from '../workerDatabase';
import type { CsvTextRun } from './csvSql';

export interface ExportWorkerData {
  sql: string;
  params: unknown[];
  format: 'csv' | 'jsonl';
  headHash: string;
  csvRuns: (CsvTextRun | null)[] | null;
  rowSql: string | null;
}

export interface ExportTask {
  id: number;
  lo: number;
  hi: number;
}

/** Filled buffers (moved, not copied) and how much of each is used. */
export interface ExportWorkerAnswer {
  id: number;
  chunks: ArrayBuffer[];
  lengths: number[];
  count: number;
}

type Cell = string | number | bigint | Buffer | null;

const { db, data, port } = openWorkerDatabase<ExportWorkerData>();
const statement = db.prepare<unknown[], Cell[]>(data.sql).raw();
const params = data.params;
// One test per cell: most cells need neither a formula guard nor quoting.
const NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;
const QUOTES = /"/g;
function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  if (!NEEDS_CARE.test(value)) return value;
  const first = value.charCodeAt(0);
  // = + - @ tab CR
  const formula =
    first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13;
  return (formula ? '"\'' : '"') + value.replace(QUOTES, '""') + '"';
}
const tail = ',' + data.headHash + '\r\n';
function csvLine(row: Cell[]): string {
  let line = csvCell(row[0]!);
  for (let i = 1; i < row.length; i += 1) line += ',' + csvCell(row[i]!);
  return line + tail;
}
// JSON Lines rows arrive finished: [line] (jsonlSql.ts).
function jsonlLine(row: Cell[]): string {
  return row[0] as string;
}
// CSV rows arrive as [seq, part, part, ...]: a part is a joined run of text
// columns (runs[i] = {cells, integerFirst}) or SQL-formatted CSV cells (null).
const runs = data.csvRuns ?? [];
const INSIDE_CARE = /["\r\n]|,[=+\-@\t\r]/;
const FIRST_CARE = /^[=+\-@\t\r]/;
function plainRun(text: string, run: CsvTextRun): boolean {
  if (INSIDE_CARE.test(text) || (!run.integerFirst && FIRST_CARE.test(text))) return false;
  let commas = 0;
  for (let i = text.indexOf(','); i !== -1; i = text.indexOf(',', i + 1)) commas += 1;
  return commas === run.cells - 1;
}
const rowStatement = data.rowSql ? db.prepare<[Cell], Cell[]>(data.rowSql).raw() : null;
function csvJoinedLine(row: Cell[]): string {
  let line = '';
  for (let i = 1; i < row.length; i += 1) {
    const run = runs[i - 1];
    const part = row[i] as string;
    if (run != null && !plainRun(part, run)) return csvLine(rowStatement!.get(row[0]!)!);
    line += i === 1 ? part : ',' + part;
  }
  return line + tail;
}
const format = data.format === 'csv' ? csvJoinedLine : jsonlLine;
const CHUNK_BYTES = 4 * 1024 * 1024;
// Seq numbers read per query: bounded so a slice's rows stay a few megabytes.
const SLICE = 2048;
port.on('message', (task: ExportTask) => {
  const chunks: ArrayBuffer[] = [];
  const lengths: number[] = [];
  let buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  let used = 0;
  let count = 0;
  // Whole slices of rows per call: stepping an iterator costs more per row
  // than formatting a row of joined runs does.
  for (let lo = task.lo; lo < task.hi; lo += SLICE) {
    const rows = statement.all(lo, Math.min(lo + SLICE, task.hi), ...params);
    for (let r = 0; r < rows.length; r += 1) {
      const line = format(rows[r]!);
      const most = line.length * 3;
      if (used + most > buffer.length) {
        if (used > 0) {
          chunks.push(buffer.buffer as ArrayBuffer);
          lengths.push(used);
        }
        buffer = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, most));
        used = 0;
      }
      used += buffer.write(line, used);
      count += 1;
    }
  }
  if (used > 0) {
    chunks.push(buffer.buffer as ArrayBuffer);
    lengths.push(used);
  }
  const answer: ExportWorkerAnswer = { id: task.id, chunks, lengths, count };
  port.postMessage(answer, chunks);
});
