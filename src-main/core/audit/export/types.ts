import type { AuditHead, AuditVerifyResult } from '@shared/contract';
import type { AuditOperator } from '../record';
import type { SegmentOptions } from './segments';

export interface ExportOptions extends SegmentOptions {
  /**
   * The chain head the export is a snapshot of: only records up to head.seq are
   * written and the head's hash is printed in the file. Defaults to the head at
   * the start of the export.
   */
  head?: AuditHead;
  /** The result of verifying the chain, printed in JSON Lines and PDF exports. */
  verification?: AuditVerifyResult;
  /** Who asked for the export, printed in the PDF report. */
  requestedBy?: AuditOperator;
  generatedAt?: Date;
}

export interface ExportSummary {
  /** Records matching the filter. */
  records: number;
  /** Records written out in full (the PDF lists a bounded number). */
  listed: number;
  head: AuditHead;
}
