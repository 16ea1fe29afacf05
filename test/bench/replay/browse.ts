import { join } from 'node:path';
import { EntryIndex } from '../../../src-main/core/deadletters/index/entryIndex';
import { openStore } from '../../../src-main/core/store/database';
import { migrations } from '../../../src-main/core/store/migrations';
import { browseFilterSchema } from '@shared/contract';
import { makeTempDir } from '../../support/tempDir';
import { payload } from './common';

/**
 * `--browse`: the local index with 1,000,000 entries: how long a page, a count
 * and the common filters take (what the virtualized list asks for as it scrolls).
 */
export function benchBrowse(): void {
  const temp = makeTempDir('sluice-bench-browse-');
  const db = openStore({ file: join(temp.dir, 'sluice.db'), migrations });
  try {
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO environments (id, name, colour, created_at, updated_at) VALUES ('e', 'e', '#000000', ?, ?)`,
    ).run(now, now);
    db.prepare(
      `INSERT INTO dl_sources (id, environment_id, name, kind, settings_json, bulk_confirm_threshold,
         created_at, updated_at) VALUES ('s', 'e', 's', 'redis', '{}', 100, ?, ?)`,
    ).run(now, now);
    const index = new EntryIndex(db);
    const classes = [
      'SchemaViolation',
      'InvalidJson',
      'DocumentTooLarge',
      'InvalidEncoding',
      'Timeout',
    ];
    const total = 1_000_000;
    const started = Date.now();
    for (let i = 0; i < total; i += 10_000) {
      index.insert(
        's',
        Array.from({ length: 10_000 }, (_, k) => {
          const n = i + k;
          const body = payload(n);
          return {
            pos: -n,
            hash: Buffer.alloc(32, n % 251),
            raw: Buffer.from(body),
            recordKey: null,
            headersJson: null,
            partition: null,
            offset: null,
            recordTs: null,
            externalId: `w-${n}`,
            errorClass: classes[n % 5]!,
            reason: `failure ${n % 100}`,
            origin: 'write_queue',
            firstFailedAt: 1_700_000_000_000 + n,
            lastFailedAt: 1_700_000_000_000 + n,
            attempts: 3,
            size: body.length,
            searchText: `${classes[n % 5]} failure ${n % 100} ${body}`,
          };
        }),
      );
    }
    console.log(
      `\nindex of ${total.toLocaleString('en')} entries built in ${Date.now() - started} ms`,
    );
    const filter = (input: object) => browseFilterSchema.parse(input);
    const time = (label: string, run: () => unknown): void => {
      const t0 = performance.now();
      run();
      console.log(`  ${label.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms`);
    };
    time('first page with count', () => index.page('s', filter({}), 'asc', 0, 100));
    time('page at 500,000 (count reused)', () =>
      index.page('s', filter({}), 'asc', 500_000, 100, total),
    );
    time('last page (count reused)', () => index.page('s', filter({}), 'asc', 999_900, 100, total));
    time('one error class, page at 100,000 with count', () =>
      index.page('s', filter({ errorClasses: ['Timeout'] }), 'asc', 100_000, 100),
    );
    time('top reasons', () => index.topReasons('s', filter({}), 12));
    time('id / key', () => index.page('s', filter({ key: 'w-777777' }), 'asc', 0, 100));
    time('payload words (rare), with count', () =>
      index.page('s', filter({ text: 'doc-4242' }), 'asc', 0, 100),
    );
    time('payload word in every entry, with count', () =>
      index.page('s', filter({ text: 'Document' }), 'asc', 0, 100),
    );
    time('reason substring (a scan), with count', () =>
      index.page('s', filter({ reason: 'failure 42' }), 'asc', 0, 100),
    );
  } finally {
    db.close();
    temp.cleanup();
  }
}
