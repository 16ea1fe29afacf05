import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeCsv, writeJsonl } from '../../../src-main/core/audit/export';
import { CSV_HEADER } from '../../../src-main/core/audit/export/csv';
import { AUDIT_COLUMNS } from '../../../src-main/core/audit/record';
import { openAuditFixture, sampleEntry, type AuditFixture } from './support';

/**
 * The CSV export has SQLite join plain text columns and format the JSON
 * columns, and falls back to cell-by-cell formatting when a joined run needs
 * care. Whatever path a row takes, the file must be byte for byte what the
 * plain cell-by-cell definition below writes.
 */

let fx: AuditFixture;

beforeEach(() => {
  fx = openAuditFixture('sluice-audit-csv-');
});

afterEach(() => {
  fx.cleanup();
});

/** The CSV rules, cell by cell (RFC 4180, formula guard, CRLF, chain head last). */
function definitionCsv(rows: unknown[][], headHash: string): string {
  const cell = (value: unknown): string => {
    if (value === null) return '';
    if (typeof value !== 'string') return String(value);
    const formula = /^[=+\-@\t\r]/.test(value);
    if (!formula && !/[",\r\n]/.test(value)) return value;
    return `${formula ? `"'` : '"'}${value.replaceAll('"', '""')}"`;
  };
  let text = `${CSV_HEADER.join(',')}\r\n`;
  for (const row of rows) text += `${[...row.map(cell), headHash].join(',')}\r\n`;
  return text;
}

const AWKWARD = [
  '',
  'plain',
  'comma, inside',
  'quote " inside',
  'line\nbreak',
  'carriage\rreturn',
  '=1+1',
  '+1',
  '-1',
  '@SUM(A1)',
  '\tTab first',
  '\rCR first',
  'x,=1',
  'x,-1',
  'nul \u0000 inside',
  'unicode é 😀 \u2028',
  'trailing comma,',
  ',leading comma',
];

/** Plain records, awkward text in every column through the application, and hand-written rows. */
function fillAwkward(): void {
  const entries = Array.from({ length: 2600 }, (_, i) => sampleEntry(i + 1));
  fx.log.appendMany(entries);
  // Awkward values in turn in each text column, through the application...
  fx.log.appendMany(
    AWKWARD.flatMap((text, i) => [
      {
        ...sampleEntry(3000 + i),
        action: text,
        operator: { osUser: text, displayName: text, hostName: text },
        environment: { id: text, name: text },
        targets: [{ type: text, id: text, name: text }],
        parameters: { text },
        before: text,
        after: { [text]: text },
        errorCode: text,
        reason: text,
        jobId: text,
      },
      { ...sampleEntry(3100 + i), reason: text, errorCode: null, jobId: null },
      { ...sampleEntry(3200 + i), operator: { osUser: 'u', displayName: text, hostName: 'h' } },
    ]),
  );
  // ...and written straight into the table, as a hand edit could: JSON
  // columns that are not JSON, NULs, formula starts in hash columns.
  const insert = fx.db.prepare(
    `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`,
  );
  let seq = fx.log.head().seq;
  for (const text of AWKWARD) {
    for (let column = 1; column < AUDIT_COLUMNS.length; column += 1) {
      const name = AUDIT_COLUMNS[column]!;
      const values: unknown[] = AUDIT_COLUMNS.map((c) => (c === 'result' ? 'ok' : `v-${c}`));
      seq += 1;
      values[0] = seq;
      if (name !== 'result') values[column] = text;
      insert.run(values);
    }
    seq += 1;
    insert.run(
      AUDIT_COLUMNS.map((c) =>
        c === 'seq'
          ? seq
          : c === 'result'
            ? 'failed'
            : /json|environment|error|reason|job/.test(c)
              ? null
              : text,
      ),
    );
  }
  for (const json of ['-5', '=1', '[]', '{}', 'null', '"a,b"', '[1,2]', '@x']) {
    seq += 1;
    insert.run(
      AUDIT_COLUMNS.map((c) =>
        c === 'seq' ? seq : c === 'result' ? 'ok' : /targets|parameters|_json/.test(c) ? json : 'v',
      ),
    );
  }
  // Text that is not valid UTF-8, as only a hand edit can store it.
  for (const bytes of ['eda080', 'c3', 'ff41', 'e282']) {
    seq += 1;
    fx.db
      .prepare(
        `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map((c) =>
          c === 'seq' ? String(seq) : c === 'result' ? "'ok'" : `CAST(x'${bytes}' AS TEXT)`,
        ).join(', ')})`,
      )
      .run();
  }
}

describe('CSV export, every path', () => {
  it('writes exactly the cell-by-cell definition for awkward text in every column', async () => {
    fillAwkward();
    const head = fx.log.head();
    const rows = fx.db.prepare('SELECT * FROM audit_log ORDER BY seq').raw().all() as unknown[][];
    const expected = definitionCsv(rows, head.hash);
    for (const segmentSize of [700, 10_000]) {
      const file = join(fx.dir, `out-${segmentSize}.csv`);
      const summary = await writeCsv(fx.log, {}, createWriteStream(file), { segmentSize });
      expect(summary.records).toBe(rows.length);
      const written = readFileSync(file);
      expect(written.equals(Buffer.from(expected, 'utf8'))).toBe(true);
    }
    // A filter goes through the same paths.
    const filtered = join(fx.dir, 'filtered.csv');
    await writeCsv(fx.log, { result: 'failed' }, createWriteStream(filtered), { head });
    expect(readFileSync(filtered, 'utf8')).toBe(
      definitionCsv(
        rows.filter((row) => row[AUDIT_COLUMNS.indexOf('result')] === 'failed'),
        head.hash,
      ),
    );
  });
});

/** The JSON Lines rules: keys sorted, JSON columns as stored, text as JSON.stringify, NULL as null. */
function definitionJsonl(rows: Record<string, unknown>[]): string {
  const jsonColumns = new Set(['targets', 'parameters', 'before_json', 'after_json']);
  let text = '';
  for (const row of rows) {
    const keys = Object.keys(row).sort();
    const fields = keys.map((key) => {
      const value = row[key];
      if (value === null) return `"${key}":null`;
      if (jsonColumns.has(key)) return `"${key}":${String(value)}`;
      return `"${key}":${JSON.stringify(value)}`;
    });
    text += `{${fields.join(',')}}\n`;
  }
  return text;
}

describe('JSON Lines export, every row', () => {
  it('writes exactly the field-by-field definition after its header line', async () => {
    fillAwkward();
    const rows = fx.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Record<
      string,
      unknown
    >[];
    const file = join(fx.dir, 'out.jsonl');
    const summary = await writeJsonl(fx.log, {}, createWriteStream(file), { segmentSize: 700 });
    expect(summary.records).toBe(rows.length);
    const written = readFileSync(file, 'utf8');
    const body = written.slice(written.indexOf('\n') + 1);
    expect(body).toBe(definitionJsonl(rows));
  });
});
