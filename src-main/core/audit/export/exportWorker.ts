/**
 * Source of the worker that formats one seq range of an export (run by
 * startSqliteWorker, which opens `db`). For each task {id, lo, hi} it reads
 * the matching rows (workerData.sql, columns in AUDIT_COLUMNS order) and
 * answers with the UTF-8 bytes of the whole range, in buffers whose memory is
 * transferred, not copied, to the main thread. Each line is written into the
 * buffer as soon as it is formatted: building one long string of a segment
 * instead costs three times the CPU in string joins.
 *
 * CSV (RFC 4180, CRLF): NULL is an empty cell; a text cell starting like a
 * spreadsheet formula (= + - @ tab CR) gets a leading single quote and is
 * quoted, so it shows as text and is never evaluated; cells with a quote,
 * comma or line break are quoted with inner quotes doubled. Every row ends
 * with the chain head's hash.
 *
 * JSON Lines: one object per row with every column, keys sorted, JSON columns
 * spliced in as stored (they are canonical), text as JSON.stringify writes it.
 */
export const EXPORT_WORKER_SOURCE = String.raw`
const statement = db.prepare(workerData.sql).raw();
const params = workerData.params;
// One test per cell: most cells need neither a formula guard nor quoting.
const NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;
const QUOTES = /"/g;
function csvCell(value) {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  if (!NEEDS_CARE.test(value)) return value;
  const first = value.charCodeAt(0);
  // = + - @ tab CR
  const formula = first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13;
  return (formula ? '"\'' : '"') + value.replace(QUOTES, '""') + '"';
}
const tail = ',' + workerData.headHash + '\r\n';
function csvLine(row) {
  let line = csvCell(row[0]);
  for (let i = 1; i < row.length; i += 1) line += ',' + csvCell(row[i]);
  return line + tail;
}
const fields = workerData.jsonlFields;
function jsonlLine(row) {
  let out = '{';
  for (let i = 0; i < fields.length; i += 1) {
    const field = fields[i];
    const value = row[field.index];
    out += (i === 0 ? '"' : ',"') + field.key + '":';
    if (value === null) out += 'null';
    else if (field.kind === 'json') out += value;
    else if (field.kind === 'integer') out += String(value);
    else out += JSON.stringify(value);
  }
  return out + '}\n';
}
const format = workerData.format === 'csv' ? csvLine : jsonlLine;
const CHUNK_BYTES = 4 * 1024 * 1024;
parentPort.on('message', (task) => {
  const chunks = [];
  const lengths = [];
  let buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  let used = 0;
  let count = 0;
  for (const row of statement.iterate(task.lo, task.hi, ...params)) {
    const line = format(row);
    const most = line.length * 3;
    if (used + most > buffer.length) {
      if (used > 0) {
        chunks.push(buffer.buffer);
        lengths.push(used);
      }
      buffer = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, most));
      used = 0;
    }
    used += buffer.write(line, used);
    count += 1;
  }
  if (used > 0) {
    chunks.push(buffer.buffer);
    lengths.push(used);
  }
  parentPort.postMessage({ id: task.id, chunks, lengths, count }, chunks);
});
`;
