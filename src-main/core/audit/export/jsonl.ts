import type { Writable } from 'node:stream';
import type { AuditFilter } from '../../../../src-preload/contract';
import type { AuditLog } from '../auditLog';
import { canonicalJson } from '../canonicalJson';
import { JSONL_LINE_SQL } from '../chainSql';
import { endStream, writeChunk } from './stream';
import type { ExportOptions, ExportSummary } from './types';

/**
 * Writes a JSON Lines export and ends `out`. The first line describes the
 * export: {"sluice_audit_export":{chain_head, filter, generated_at, records,
 * verification, version}}. Every other line is one record with all its
 * columns (see JSONL_LINE_SQL), oldest first.
 */
export async function writeJsonl(
  log: AuditLog,
  filter: AuditFilter,
  out: Writable,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const head = options.head ?? log.head();
  const records = log
    .countBy('result', filter, head.seq)
    .reduce((sum, group) => sum + group.count, 0);
  const header = {
    sluice_audit_export: {
      version: 1,
      generated_at: (options.generatedAt ?? new Date()).toISOString(),
      chain_head: head,
      filter,
      records,
      verification: options.verification ?? null,
    },
  };
  await writeChunk(out, `${canonicalJson(header)}\n`);
  let written = 0;
  for (const page of log.textPages(JSONL_LINE_SQL, filter, head.seq)) {
    written += page.count;
    await writeChunk(out, page.text);
  }
  await endStream(out);
  return { records: written, listed: written, head };
}
