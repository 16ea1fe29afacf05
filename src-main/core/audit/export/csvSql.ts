import { AUDIT_COLUMNS, HASHED_FIELDS } from '../record';

/** A run of text columns joined by SQLite into one string (see export.worker.ts). */
export interface CsvTextRun {
  cells: number;
  /** The run starts with seq: an integer, which is never guarded as a formula. */
  integerFirst: boolean;
}

const JSON_COLUMNS = new Set<string>(
  HASHED_FIELDS.filter((field) => field.kind === 'json').map((field) => field.column),
);

/** Code points that make a spreadsheet read a cell as a formula: = + - @ tab CR. */
const FORMULA_START = '(61, 43, 45, 64, 9, 13)';

/**
 * One CSV cell of a column, written by SQLite with exactly the rules of
 * csvCell in export.worker.ts. Used for the JSON columns, which nearly always
 * need quoting (their text is full of quotes and commas). unicode() reads only
 * the first character and concat() allocates once, which keeps this cheaper
 * than handing the column to JavaScript.
 */
function csvCellSql(column: string): string {
  const doubled = `replace(${column}, '"', '""')`;
  return (
    `CASE WHEN ${column} IS NULL THEN '' ` +
    `WHEN unicode(${column}) IN ${FORMULA_START} THEN concat('"''', ${doubled}, '"') ` +
    `WHEN instr(${column}, '"') OR instr(${column}, ',') OR instr(${column}, char(13)) ` +
    `OR instr(${column}, char(10)) THEN concat('"', ${doubled}, '"') ELSE ${column} END`
  );
}

/**
 * The CSV export's SELECT: seq, then for each run of consecutive columns one
 * string, either the text columns joined with commas as stored (concat() turns
 * NULL into an empty cell) or the JSON columns as finished CSV cells. `runs`
 * says which part is which (null for finished cells); `rowSql` reads one row
 * cell by cell for the rows whose joined text needs care.
 */
export function csvQuery(where: string): {
  sql: string;
  runs: (CsvTextRun | null)[];
  rowSql: string;
} {
  const parts: string[] = [];
  const runs: (CsvTextRun | null)[] = [];
  let run: string[] = [];
  let json: string[] = [];
  const flushText = () => {
    if (run.length === 0) return;
    parts.push(run.length === 1 ? `concat(${run[0]!})` : `concat(${run.join(", ',', ")})`);
    runs.push({ cells: run.length, integerFirst: run[0] === 'seq' });
    run = [];
  };
  const flushJson = () => {
    if (json.length === 0) return;
    parts.push(`concat(${json.map(csvCellSql).join(", ',', ")})`);
    runs.push(null);
    json = [];
  };
  for (const column of AUDIT_COLUMNS) {
    if (JSON_COLUMNS.has(column)) {
      flushText();
      json.push(column);
    } else {
      flushJson();
      run.push(column);
    }
  }
  flushText();
  flushJson();
  return {
    sql: `SELECT seq, ${parts.join(', ')} FROM audit_log WHERE seq > ? AND seq <= ? AND ${where} ORDER BY seq`,
    runs,
    rowSql: `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log WHERE seq = ?`,
  };
}
