import { useState } from 'react';
import { ErrorPanel } from '../../components/Panels';
import { useExportRunbooks, useImportRunbooks } from '../../queries/runbooks';

// Results and failures are shown in this card, next to the folder they concern.
const inline = { isHandledInline: () => true };

/**
 * Runbooks as a folder of markdown files with front matter: export all of
 * them, or import a folder (a file whose title exists becomes a new version).
 * Folders are paths on the machine running the Sluice core.
 */
export function RunbookTransfer({ browserMode }: { browserMode: boolean }) {
  const [exportDir, setExportDir] = useState('');
  const [importDir, setImportDir] = useState('');
  const exporter = useExportRunbooks(inline);
  const importer = useImportRunbooks(inline);

  return (
    <section className="card runbook-transfer" data-testid="runbook-transfer">
      <h2>Import and export</h2>
      <p className="field-hint">
        One markdown file per runbook, with its title, tags and match rules in front matter.
        {browserMode
          ? ' Folders are paths on the machine running the Sluice core, not on this browser’s machine.'
          : ''}
      </p>
      <form
        className="runbook-transfer-row"
        onSubmit={(event) => {
          event.preventDefault();
          const directory = exportDir.trim();
          exporter.mutate(directory ? { directory } : {});
        }}
      >
        <label htmlFor="runbook-export-dir">Export to folder</label>
        <input
          id="runbook-export-dir"
          data-testid="runbook-export-dir"
          placeholder="Empty: a new folder under Sluice’s exports folder"
          spellCheck={false}
          value={exportDir}
          onChange={(event) => setExportDir(event.target.value)}
        />
        <button
          type="submit"
          className="button"
          data-testid="runbook-export"
          disabled={exporter.isPending}
        >
          {exporter.isPending ? 'Exporting…' : 'Export'}
        </button>
      </form>
      {exporter.isError ? <ErrorPanel error={exporter.error} /> : null}
      {exporter.data ? (
        <p className="test-ok runbook-transfer-result" data-testid="runbook-export-result">
          Wrote {exporter.data.files} file{exporter.data.files === 1 ? '' : 's'} to{' '}
          <code>{exporter.data.directory}</code>
        </p>
      ) : null}

      <form
        className="runbook-transfer-row"
        onSubmit={(event) => {
          event.preventDefault();
          if (importDir.trim()) importer.mutate(importDir.trim());
        }}
      >
        <label htmlFor="runbook-import-dir">Import from folder</label>
        <input
          id="runbook-import-dir"
          data-testid="runbook-import-dir"
          placeholder="/path/to/runbooks"
          spellCheck={false}
          value={importDir}
          onChange={(event) => setImportDir(event.target.value)}
        />
        <button
          type="submit"
          className="button"
          data-testid="runbook-import"
          disabled={importer.isPending || importDir.trim() === ''}
        >
          {importer.isPending ? 'Importing…' : 'Import'}
        </button>
      </form>
      {importer.isError ? <ErrorPanel error={importer.error} /> : null}
      {importer.data ? (
        <p className="test-ok runbook-transfer-result" data-testid="runbook-import-result">
          From <code>{importer.variables}</code>: {importer.data.created} created,{' '}
          {importer.data.updated} updated, {importer.data.unchanged} unchanged
        </p>
      ) : null}
    </section>
  );
}
