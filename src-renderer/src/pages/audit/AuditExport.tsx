import type { AuditExportFormat, AuditFilter } from '@shared/contract';
import { ErrorPanel } from '../../components/Panels';
import { useState } from 'react';
import { downloadExportFile } from '../../api/httpBridge';
import { useExportAudit } from '../../queries/audit';
import { describeFilter } from './auditFilterModel';
import { formatBytes, formatCount } from './auditFormat';

const FORMATS: { format: AuditExportFormat; label: string }[] = [
  { format: 'csv', label: 'CSV' },
  { format: 'jsonl', label: 'JSON Lines' },
  { format: 'pdf', label: 'PDF report' },
];

/**
 * Exports the records the filters select. The core streams the file into its
 * exports folder and answers with where it is; the file carries the chain head
 * and the verification result.
 */
export function AuditExport({
  filter,
  filterProblem,
  browserMode,
}: {
  filter: AuditFilter;
  /** Set while a filter field does not parse: exporting then would not match what is typed. */
  filterProblem: boolean;
  browserMode: boolean;
}) {
  const exporter = useExportAudit();
  const result = exporter.data;
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const download = (fileName: string) => {
    setDownloadError(null);
    downloadExportFile(fileName).catch((error: unknown) => setDownloadError(error));
  };

  return (
    <section className="card audit-export" data-testid="audit-export" aria-label="Export">
      <div className="audit-export-row">
        <span>
          Export <span className="muted">({describeFilter(filter)})</span>
        </span>
        <span className="audit-export-buttons">
          {FORMATS.map(({ format, label }) => (
            <button
              key={format}
              type="button"
              className="button button-small"
              data-testid={`audit-export-${format}`}
              disabled={exporter.isPending || filterProblem}
              onClick={() =>
                exporter.mutate(
                  { format, filter },
                  {
                    // Browser mode: the file is on the core's machine; fetch it
                    // into the browser's downloads right away.
                    onSuccess: (done) => {
                      if (browserMode && done.downloadable) download(done.fileName);
                    },
                  },
                )
              }
            >
              {exporter.isPending && exporter.variables?.format === format ? 'Exporting…' : label}
            </button>
          ))}
        </span>
      </div>
      {exporter.isError ? <ErrorPanel error={exporter.error} /> : null}
      {downloadError ? <ErrorPanel error={downloadError} /> : null}
      {result && !exporter.isPending ? (
        <div className="audit-export-result" role="status" data-testid="audit-export-result">
          <p>
            Wrote {formatCount(result.records)} record{result.records === 1 ? '' : 's'}
            {result.format === 'pdf' && result.listed < result.records
              ? ` (the report lists the first ${formatCount(result.listed)})`
              : ''}{' '}
            as {result.format.toUpperCase()}, {formatBytes(result.bytes)}:{' '}
            <code data-testid="audit-export-path">{result.path}</code>
            {browserMode && result.downloadable ? (
              <>
                {' '}
                <button
                  type="button"
                  className="button button-small"
                  data-testid="audit-export-download"
                  onClick={() => download(result.fileName)}
                >
                  Download again
                </button>
              </>
            ) : null}
          </p>
          <p className="muted">
            Chain head #{formatCount(result.head.seq)}{' '}
            <code className="audit-hash">{result.head.hash}</code> ·{' '}
            {result.verification.ok
              ? 'verified intact'
              : `BROKEN at #${formatCount(result.verification.brokenAt)}`}
            {browserMode ? ' · the file is on the machine running the Sluice core' : ''}
          </p>
        </div>
      ) : null}
    </section>
  );
}
