import type { Writable } from 'node:stream';
import type { AuditFilter } from '@shared/contract';
import type { AuditLog } from '../auditLog';
import { canonicalJson } from '../canonicalJson';
import { pipeSegments } from './segments';
import { writeChunk } from './stream';
import type { ExportOptions, ExportSummary } from './types';

/**
 * Writes a JSON Lines export and ends `out`. The first line describes the
 * export: {"sluice_audit_export":{chain_head, filter, generated_at, records,
 * verification, version}}. Every other line is one record with all its
 * columns, oldest first (see export.worker.ts). Dropping "hash" and
 * "prev_hash" from a line leaves the record's canonical JSON, so anyone can
 * re-check the chain from an unfiltered export.
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
  const written = await pipeSegments(out, log.workerDatabase(), 'jsonl', filter, head, options);
  return { records: written, listed: written, head };
}
