import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { VERIFY_RANGE_SQL } from '../../src-main/core/audit/chainSql';
import { csvQuery } from '../../src-main/core/audit/export/csvSql';
import type { ExportWorkerAnswer } from '../../src-main/core/audit/export/export.worker';
import { formattedSegments } from '../../src-main/core/audit/export/segments';
import { filterSql } from '../../src-main/core/audit/filterSql';
import { startSqliteWorker } from '../../src-main/core/audit/sqliteWorker';
import { verifyChain } from '../../src-main/core/audit/verify';
import type { VerifyWorkerAnswer } from '../../src-main/core/audit/verify.worker';
import { openAuditFixture, sampleEntry } from '../unit/audit/support';

// The Electron app runs the worker modules electron-vite wrote beside
// out/main/index.js; browser mode and the unit tests run their .ts sources.
// This runs the built files (npm run test:e2e builds first) on a real store
// and compares their answers with the sources'.
const OUT = fileURLToPath(new URL('../../out/main', import.meta.url));
const built = (name: string) => pathToFileURL(resolve(OUT, `${name}.js`));

function answer<T>(worker: ReturnType<typeof startSqliteWorker>): Promise<T> {
  return new Promise((resolveAnswer, reject) => {
    worker.once('message', resolveAnswer);
    worker.once('error', reject);
  });
}

test('the built audit workers give the same answers as their sources', async () => {
  for (const name of ['verify.worker', 'export.worker']) {
    expect(existsSync(resolve(OUT, `${name}.js`)), `${name}.js in out/main`).toBe(true);
  }
  const fixture = openAuditFixture('sluice-built-workers-');
  try {
    for (let i = 1; i <= 500; i += 1) fixture.log.append(sampleEntry(i));
    const head = fixture.log.head();
    const database = { file: fixture.file };

    const range = await answer<VerifyWorkerAnswer>(
      startSqliteWorker(built('verify.worker'), database, {
        sql: VERIFY_RANGE_SQL,
        lo: 1,
        hi: head.seq,
      }),
    );
    expect(range).toEqual({
      count: 500,
      firstPrev: expect.any(String),
      lastHash: head.hash,
      broken: null,
    });
    expect(await verifyChain(head, { ...database, minRangeSize: 100 })).toMatchObject({
      ok: true,
      count: 500,
    });

    let fromSource = '';
    for await (const segment of formattedSegments(database, 'csv', {}, head, {
      segmentSize: 200,
    })) {
      fromSource += Buffer.concat(segment.chunks).toString('utf8');
    }
    const { where, params } = filterSql({});
    const csv = csvQuery(where);
    const worker = startSqliteWorker(built('export.worker'), database, {
      sql: csv.sql,
      params,
      format: 'csv',
      headHash: head.hash,
      csvRuns: csv.runs,
      rowSql: csv.rowSql,
    });
    const pending = answer<ExportWorkerAnswer>(worker);
    worker.postMessage({ id: 0, lo: 0, hi: head.seq });
    const formatted = await pending;
    await worker.terminate();
    const fromBuilt = formatted.chunks
      .map((chunk, i) => Buffer.from(chunk, 0, formatted.lengths[i]).toString('utf8'))
      .join('');
    expect(formatted.count).toBe(500);
    expect(fromBuilt).toBe(fromSource);
  } finally {
    fixture.cleanup();
  }
});
