import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../../src-preload/contract';
import type { HandlersFor } from '../rpc/dispatcher';
import type { AuditLog } from './auditLog';
import { EXPORT_EXTENSIONS, writeExport } from './export';
import type { AuditOperator } from './record';

export interface AuditHandlerOptions {
  /** Where exports are written: <dataDir>/exports. */
  exportsDir: string;
  identity(): AuditOperator;
}

function exportFileName(extension: string, headSeq: number, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `sluice-audit-${stamp}-to-${headSeq}-${randomBytes(3).toString('hex')}.${extension}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function auditHandlers(
  audit: AuditLog,
  options: AuditHandlerOptions,
): HandlersFor<
  'audit.query' | 'audit.get' | 'audit.facets' | 'audit.head' | 'audit.verify' | 'audit.export'
> {
  return {
    'audit.query': async ({ filter, cursor, limit }) => audit.query(filter, cursor, limit),
    'audit.get': async ({ seq }) => audit.get(seq),
    'audit.facets': async () => audit.facets(),
    'audit.head': async () => audit.head(),
    'audit.verify': async () => audit.verify(),
    // Exporting who did what is itself recorded (the channel is a mutation);
    // the file is a snapshot up to the head read here, so it never contains
    // its own record.
    'audit.export': async ({ format, filter }, ctx) => {
      const head = audit.head();
      const verification = await audit.verify();
      const generatedAt = new Date();
      const fileName = exportFileName(EXPORT_EXTENSIONS[format], head.seq, generatedAt);
      const path = join(options.exportsDir, fileName);
      ctx.audit.targets([{ type: 'audit-export', id: fileName }]);
      try {
        mkdirSync(options.exportsDir, { recursive: true, mode: 0o700 });
      } catch (error) {
        throw new SluiceError(
          'UNAVAILABLE',
          `cannot create the exports folder ${options.exportsDir}: ${errorText(error)}`,
        );
      }
      const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
      let summary;
      try {
        summary = await writeExport(format, audit, filter, out, {
          head,
          verification,
          requestedBy: options.identity(),
          generatedAt,
        });
      } catch (error) {
        out.destroy();
        rmSync(path, { force: true });
        throw new SluiceError('UNAVAILABLE', `cannot write ${path}: ${errorText(error)}`);
      }
      const result = {
        path,
        fileName,
        format,
        records: summary.records,
        listed: summary.listed,
        bytes: statSync(path).size,
        head,
        verification,
      };
      ctx.audit.after({
        fileName,
        format,
        records: result.records,
        bytes: result.bytes,
        head,
        verified: verification.ok,
      });
      return result;
    },
  };
}
