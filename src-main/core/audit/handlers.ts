import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SluiceError } from '@shared/contract';
import type { HandlersFor } from '../rpc/dispatcher';
import type { AuditLog } from './auditLog';
import { EXPORT_EXTENSIONS, writeExport } from './export';
import type { AuditOperator } from './record';

export interface AuditHandlerOptions {
  /** Where exports are written: <dataDir>/exports. */
  exportsDir: string;
  identity(): AuditOperator;
  /** The host's save dialog, when it has one (Electron). */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
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
      let path = join(options.exportsDir, fileName);
      const chosen = options.chooseSavePath ? await options.chooseSavePath(fileName) : undefined;
      ctx.audit.targets([{ type: 'audit-export', id: chosen ?? fileName }]);
      if (chosen === null) {
        throw new SluiceError('DENIED', 'export cancelled: no file was chosen', {
          reason: 'cancelled',
        });
      }
      if (chosen !== undefined) {
        path = chosen;
      } else {
        try {
          mkdirSync(options.exportsDir, { recursive: true, mode: 0o700 });
        } catch (error) {
          throw new SluiceError(
            'UNAVAILABLE',
            `cannot create the exports folder ${options.exportsDir}: ${errorText(error)}`,
          );
        }
      }
      // A chosen path was confirmed in the save dialog (overwrite included);
      // a generated name in the exports folder must never replace a file.
      const out = createWriteStream(path, {
        flags: chosen === undefined ? 'wx' : 'w',
        mode: 0o600,
      });
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
        fileName: chosen === undefined ? fileName : basename(chosen),
        downloadable: chosen === undefined,
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
