import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { AuditFilter, AuditHead, AuditVerifyResult } from '@shared/contract';
import type { AuditLog } from '../auditLog';
import { describeFilter } from '../filterSql';
import { rowToSummary } from '../record';
import type { ExportOptions, ExportSummary } from './types';

/**
 * Records listed in a PDF report. The summary always covers every matching
 * record; past this many rows a report stops being readable, and the CSV and
 * JSON Lines exports carry the full set.
 */
export const PDF_MAX_LISTED_RECORDS = 5000;

const MARGIN = 36;
const ROW_HEIGHT = 11;
const COLUMNS = [
  { title: 'Seq', width: 48 },
  { title: 'Time (UTC)', width: 112 },
  { title: 'Operator', width: 112 },
  { title: 'Environment', width: 90 },
  { title: 'Action', width: 120 },
  { title: 'Targets', width: 140 },
  { title: 'Result', width: 44 },
  { title: 'Reason', width: 104 },
] as const;

/** The standard PDF fonts only cover Latin-1; anything else prints as '?'. */
function printable(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[^\x20-\x7E\xA0-\xFF]/g, '?');
}

export function describeVerification(result: AuditVerifyResult | undefined): string {
  if (!result) return 'not verified for this report';
  if (result.ok) {
    return `intact: ${result.count} records verified, chain head #${result.head.seq}`;
  }
  const what =
    result.reason === 'missing'
      ? 'is missing'
      : result.reason === 'altered'
        ? 'was altered'
        : 'does not link to the record before it';
  return `BROKEN: record #${result.brokenAt} ${what} (${result.count} records verified before it)`;
}

type Doc = InstanceType<typeof PDFDocument>;

function fit(doc: Doc, text: string, width: number): string {
  const clean = printable(text);
  if (doc.widthOfString(clean) <= width) return clean;
  let lo = 0;
  let hi = clean.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${clean.slice(0, mid)}...`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${clean.slice(0, lo)}...`;
}

function heading(doc: Doc, text: string): void {
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(text, MARGIN).moveDown(0.3);
  doc.font('Helvetica').fontSize(9);
}

function keyValues(doc: Doc, rows: [string, string][]): void {
  for (const [key, value] of rows) {
    doc
      .font('Helvetica-Bold')
      .text(`${printable(key)}: `, MARGIN, doc.y, { continued: true })
      .font('Helvetica')
      .text(printable(value));
  }
}

function countTable(doc: Doc, title: string, groups: { key: string; count: number }[]): void {
  heading(doc, title);
  if (groups.length === 0) {
    doc.text('(none)', MARGIN);
    return;
  }
  for (const group of groups) {
    if (doc.y > doc.page.height - MARGIN - ROW_HEIGHT * 2) doc.addPage();
    const y = doc.y;
    doc.text(fit(doc, group.key || '(empty)', 300), MARGIN, y, { lineBreak: false });
    doc.text(String(group.count), MARGIN + 310, y, { width: 80, align: 'right', lineBreak: false });
    doc.y = y + ROW_HEIGHT + 1;
  }
}

function recordHeader(doc: Doc): void {
  doc.font('Helvetica-Bold').fontSize(7.5);
  let x = MARGIN;
  const y = doc.y;
  for (const column of COLUMNS) {
    doc.text(column.title, x, y, { lineBreak: false });
    x += column.width;
  }
  doc
    .moveTo(MARGIN, y + ROW_HEIGHT - 2)
    .lineTo(doc.page.width - MARGIN, y + ROW_HEIGHT - 2)
    .lineWidth(0.5)
    .stroke();
  doc.y = y + ROW_HEIGHT + 1;
  doc.font('Helvetica').fontSize(7.5);
}

/**
 * A PDF report, streamed to `out` page by page: who asked and when, the filters,
 * the chain head and the verification result, counts by result, action and
 * operator over every matching record, then the records themselves (at most
 * PDF_MAX_LISTED_RECORDS, oldest first). Ends `out`.
 */
export async function writePdf(
  log: AuditLog,
  filter: AuditFilter,
  out: Writable,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const head: AuditHead = options.head ?? log.head();
  const byResult = log.countBy('result', filter, head.seq);
  const byAction = log.countBy('action', filter, head.seq);
  const byOperator = log.countBy('os_user', filter, head.seq);
  const total = byResult.reduce((sum, group) => sum + group.count, 0);
  const generatedAt = (options.generatedAt ?? new Date()).toISOString();

  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    info: {
      Title: 'Sluice audit report',
      Creator: 'Sluice',
      Subject: `Audit records up to #${head.seq}, chain head ${head.hash}`,
    },
  });
  doc.pipe(out);
  let pageNumber = 1;
  doc.on('pageAdded', () => {
    pageNumber += 1;
    const y = doc.y;
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor('#555555')
      .text(
        `Sluice audit report - ${generatedAt} - chain head #${head.seq} ${head.hash} - page ${pageNumber}`,
        MARGIN,
        MARGIN - 18,
        { lineBreak: false },
      )
      .fillColor('black');
    doc.y = y;
  });

  doc.font('Helvetica-Bold').fontSize(18).text('Sluice audit report', MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(9).moveDown(0.5);
  const requester = options.requestedBy;
  keyValues(doc, [
    ['Generated (UTC)', generatedAt],
    ...(requester
      ? ([
          [
            'Requested by',
            `${requester.osUser}${requester.displayName ? ` (${requester.displayName})` : ''} on ${requester.hostName}`,
          ],
        ] as [string, string][])
      : []),
    ['Chain head', `#${head.seq} ${head.hash}`],
    ['Chain verification', describeVerification(options.verification)],
  ]);

  heading(doc, 'Filters');
  const filters = describeFilter(filter);
  if (filters.length === 0) doc.text('none: every record up to the chain head', MARGIN);
  else keyValues(doc, filters);

  heading(doc, 'Summary');
  keyValues(doc, [['Records matching the filter', String(total)]]);
  countTable(doc, 'By result', byResult);
  countTable(doc, 'By action', byAction);
  countTable(doc, 'By operator (OS user)', byOperator);

  doc.addPage();
  doc.font('Helvetica-Bold').fontSize(12).text('Records', MARGIN, MARGIN);
  const listedNote =
    total > PDF_MAX_LISTED_RECORDS
      ? `The first ${PDF_MAX_LISTED_RECORDS} of ${total} matching records, oldest first. The CSV and JSON Lines exports hold all of them.`
      : `All ${total} matching records, oldest first.`;
  doc.font('Helvetica').fontSize(8).text(listedNote, MARGIN).moveDown(0.5);
  recordHeader(doc);

  let listed = 0;
  const bottom = doc.page.height - MARGIN;
  outer: for (const page of log.pages(filter, head.seq, 500)) {
    for (const row of page) {
      if (listed >= PDF_MAX_LISTED_RECORDS) break outer;
      if (doc.y + ROW_HEIGHT > bottom) {
        doc.addPage();
        doc.y = MARGIN;
        recordHeader(doc);
      }
      const record = rowToSummary(row);
      const cells = [
        String(record.seq),
        record.time,
        record.operator.displayName
          ? `${record.operator.osUser} (${record.operator.displayName})`
          : record.operator.osUser,
        record.environment?.name ?? '',
        record.action,
        record.targets
          .map((t) => (t.name ? `${t.type}:${t.name}` : `${t.type}:${t.id}`))
          .join(', '),
        record.result,
        record.errorCode ? `${record.errorCode}: ${record.reason ?? ''}` : '',
      ];
      let x = MARGIN;
      const y = doc.y;
      cells.forEach((cell, index) => {
        const width = COLUMNS[index]!.width;
        doc.text(fit(doc, cell, width - 4), x, y, { lineBreak: false });
        x += width;
      });
      doc.y = y + ROW_HEIGHT;
      listed += 1;
    }
    // Let the stream flush between pages of rows.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  // The pipe ends `out` once the document's last bytes went through.
  doc.end();
  await finished(out);
  return { records: total, listed, head };
}
