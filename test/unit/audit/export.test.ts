import { execFileSync } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditFilter } from '@shared/contract';
import { canonicalJson } from '../../../src-main/core/audit/canonicalJson';
import { writeCsv, writeJsonl, writePdf } from '../../../src-main/core/audit/export';
import { CSV_HEADER } from '../../../src-main/core/audit/export/csv';
import { chainHash } from '../../../src-main/core/audit/record';
import { openAuditFixture, sampleEntry, type AuditFixture } from './support';

let fx: AuditFixture;

beforeEach(() => {
  fx = openAuditFixture('sluice-audit-export-');
});

afterEach(() => {
  fx.cleanup();
});

/** RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += char;
  }
  expect(cell, 'file ends with CRLF').toBe('');
  return rows;
}

function countMatching(filter: AuditFilter): number {
  const where = Object.entries(filter)
    .map(([key]) => `${key === 'operator' ? 'os_user' : key} = @${key}`)
    .join(' AND ');
  return (
    fx.db
      .prepare(`SELECT count(*) AS n FROM audit_log ${where ? `WHERE ${where}` : ''}`)
      .get(filter) as { n: number }
  ).n;
}

/** A Writable that takes its time and remembers the most it ever held buffered. */
function slowSink() {
  const chunks: Buffer[] = [];
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      maxBuffered = Math.max(maxBuffered, sink.writableLength);
      chunks.push(chunk);
      setTimeout(callback, 1);
    },
  });
  return {
    sink,
    chunks,
    maxBuffered: () => maxBuffered,
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

function tool(name: string, args: string[]): string {
  try {
    return execFileSync(name, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${name} is missing: apt-get install poppler-utils`);
    }
    throw error;
  }
}

describe('CSV export', () => {
  it('writes RFC 4180 rows matching the filter, with the chain head, defusing formulas', async () => {
    const entries = Array.from({ length: 300 }, (_, i) => sampleEntry(i + 1));
    entries.push({
      ...sampleEntry(301),
      result: 'denied',
      errorCode: 'DENIED',
      operator: { osUser: 'mallory', displayName: '=cmd|"/c calc"!A1', hostName: '+host' },
      action: '@SUM(A1)',
      reason: '-2+3',
    });
    fx.log.appendMany(entries);
    const head = fx.log.head();
    const filter: AuditFilter = { result: 'denied' };
    const file = join(fx.dir, 'out.csv');
    const summary = await writeCsv(fx.log, filter, createWriteStream(file));
    const rows = parseCsv(readFileSync(file, 'utf8'));
    expect(rows[0]).toEqual(CSV_HEADER);
    const body = rows.slice(1);
    expect(body).toHaveLength(countMatching(filter));
    expect(summary).toMatchObject({ records: body.length, head });
    const column = (name: string) => CSV_HEADER.indexOf(name);
    for (const row of body) {
      expect(row).toHaveLength(CSV_HEADER.length);
      expect(row[column('result')]).toBe('denied');
      expect(row[column('chain_head_hash')]).toBe(head.hash);
    }
    const seqs = body.map((row) => Number(row[column('seq')]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const stored = fx.db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seqs[0]) as Record<
      string,
      string | null
    >;
    // Quotes, commas and line breaks survive; JSON columns are the stored text.
    expect(body[0]![column('reason')]).toBe(stored.reason);
    expect(body[0]![column('parameters')]).toBe(stored.parameters);
    const evil = body[body.length - 1]!;
    expect(evil[column('display_name')]).toBe(`'=cmd|"/c calc"!A1`);
    expect(evil[column('host_name')]).toBe(`'+host`);
    expect(evil[column('action')]).toBe(`'@SUM(A1)`);
    expect(evil[column('reason')]).toBe(`'-2+3`);
  });

  it('streams segment by segment in seq order from parallel workers, one segment buffered at most', async () => {
    fx.log.appendMany(Array.from({ length: 6000 }, (_, i) => sampleEntry(i + 1)));
    const out = slowSink();
    const summary = await writeCsv(fx.log, {}, out.sink, { segmentSize: 500, workers: 3 });
    expect(summary.records).toBe(6000);
    // A header and twelve segments of 500 rows, each written after the previous drained.
    expect(out.chunks).toHaveLength(13);
    const largest = Math.max(...out.chunks.map((chunk) => chunk.length));
    expect(out.maxBuffered()).toBeLessThanOrEqual(largest);
    const rows = parseCsv(out.text());
    expect(rows.slice(1).map((row) => Number(row[0]))).toEqual(
      Array.from({ length: 6000 }, (_, i) => i + 1),
    );
  });

  it('a sparse filter over many segments skips the empty ones', async () => {
    fx.log.appendMany(Array.from({ length: 3000 }, (_, i) => sampleEntry(i + 1)));
    const out = slowSink();
    const filter: AuditFilter = { target: 'entry-2999"' };
    const summary = await writeCsv(fx.log, filter, out.sink, { segmentSize: 100, workers: 2 });
    expect(summary.records).toBe(1);
    expect(out.chunks).toHaveLength(2);
  });
});

describe('JSON Lines export', () => {
  it('starts with a header line and holds one line per matching record', async () => {
    fx.log.appendMany(Array.from({ length: 200 }, (_, i) => sampleEntry(i + 1)));
    const verification = await fx.log.verify();
    const filter: AuditFilter = { operator: 'bob', action: 'environments.save' };
    const out = slowSink();
    const summary = await writeJsonl(fx.log, filter, out.sink, { verification });
    const lines = out.text().trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as { sluice_audit_export: Record<string, unknown> };
    expect(header.sluice_audit_export).toMatchObject({
      chain_head: fx.log.head(),
      filter,
      records: countMatching(filter),
      verification: { ok: true, count: 200 },
    });
    const records = lines.slice(1).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(countMatching(filter));
    expect(summary.records).toBe(records.length);
    for (const record of records) {
      expect(record).toMatchObject({ os_user: 'bob', action: 'environments.save' });
    }
  });

  it('an unfiltered export lets anyone recompute the whole chain', async () => {
    fx.log.appendMany(Array.from({ length: 500 }, (_, i) => sampleEntry(i + 1)));
    const out = slowSink();
    await writeJsonl(fx.log, {}, out.sink);
    const lines = out.text().trimEnd().split('\n').slice(1);
    expect(lines).toHaveLength(500);
    let prev = '0'.repeat(64);
    for (const line of lines) {
      const { hash, prev_hash: prevHash, ...fields } = JSON.parse(line) as Record<string, unknown>;
      expect(prevHash).toBe(prev);
      expect(chainHash(prev, canonicalJson(fields))).toBe(hash);
      prev = hash as string;
    }
    expect(prev).toBe(fx.log.head().hash);
  });
});

describe('PDF report', () => {
  it('renders with pdftoppm, and its counts match the filter', async () => {
    fx.log.appendMany(Array.from({ length: 400 }, (_, i) => sampleEntry(i + 1)));
    const verification = await fx.log.verify();
    const filter: AuditFilter = { action: 'environments.save', from: '2026-03-01T02:00:00Z' };
    const file = join(fx.dir, 'report.pdf');
    const summary = await writePdf(fx.log, filter, createWriteStream(file), {
      verification,
      requestedBy: { osUser: 'ada', displayName: 'Ada L.', hostName: 'laptop-1' },
    });
    const expected = (
      fx.db
        .prepare(
          `SELECT count(*) AS n FROM audit_log WHERE action = 'environments.save' AND time >= ?`,
        )
        .get('2026-03-01T02:00:00.000Z') as { n: number }
    ).n;
    expect(expected).toBeGreaterThan(50);
    expect(summary).toMatchObject({ records: expected, listed: expected });

    tool('pdftoppm', ['-png', '-r', '40', file, join(fx.dir, 'page')]);
    const pages = readdirSync(fx.dir).filter((name) => /^page-\d+\.png$/.test(name));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages) expect(statSync(join(fx.dir, page)).size).toBeGreaterThan(1000);

    const text = tool('pdftotext', ['-layout', file, '-']);
    expect(text).toContain('Sluice audit report');
    expect(text).toMatch(new RegExp(`Records matching the filter:\\s+${expected}\\b`));
    expect(text).toContain(`#${fx.log.head().seq} ${fx.log.head().hash}`);
    expect(text).toContain('intact: 400 records verified');
    expect(text).toMatch(/Action:\s+environments\.save/);
    expect(text).toMatch(/From \(inclusive\):\s+2026-03-01T02:00:00\.000Z/);
    const groups = fx.db
      .prepare(
        `SELECT result, count(*) AS n FROM audit_log WHERE action = 'environments.save'
           AND time >= ? GROUP BY result`,
      )
      .all('2026-03-01T02:00:00.000Z') as { result: string; n: number }[];
    expect(groups.length).toBe(3);
    for (const group of groups) {
      expect(text).toMatch(new RegExp(`^\\s*${group.result}\\s+${group.n}\\s*$`, 'm'));
    }
    // One listed row per matching record: "seq  time  operator ..." lines.
    const listed = text.split('\n').filter((line) => /^\s*\d+\s+2026-03-\d\dT/.test(line));
    expect(listed).toHaveLength(expected);
  });
});
