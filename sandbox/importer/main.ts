/**
 * Imports a JSON Lines file into the sandbox's PostgreSQL:
 *   POSTGRES_URL=... tsx sandbox/importer/main.ts <file> [--chunk-size N]
 */
import { stderrLogger } from '@shared/log/logger';
import { createPgPool } from '../common/clients';
import { migrate } from '../schema/migrate';
import { importFile } from './importer';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((arg) => !arg.startsWith('--'));
  const chunkIndex = args.indexOf('--chunk-size');
  const chunkSize = chunkIndex >= 0 ? Number(args[chunkIndex + 1]) : undefined;
  const url = process.env.POSTGRES_URL;
  if (!file || !url || (chunkSize !== undefined && !(chunkSize > 0))) {
    console.error(
      'usage: POSTGRES_URL=postgres://... tsx sandbox/importer/main.ts <file.jsonl> [--chunk-size N]',
    );
    process.exit(2);
  }
  const pool = createPgPool(url, { applicationName: 'sandbox-importer' });
  try {
    await migrate(pool);
    const report = await importFile({ pool, file, chunkSize, logger: stderrLogger('info') });
    console.log(JSON.stringify(report));
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
