/**
 * Imports a JSON Lines file into the sandbox's PostgreSQL:
 *   POSTGRES_URL=... tsx sandbox/importer/main.ts <file> [--chunk-size N]
 */
import { readCommandLine } from '@shared/cli/commandLine';
import { stderrLogger } from '@shared/log/logger';
import { createPgPool } from '../common/clients';
import { migrate } from '../schema/migrate';
import { importFile } from './importer';

async function main(): Promise<void> {
  const usage =
    'usage: POSTGRES_URL=postgres://... tsx sandbox/importer/main.ts <file.jsonl> [--chunk-size N]';
  let file: string | undefined;
  let chunkSize: number | undefined;
  try {
    const { values, positionals } = readCommandLine(
      process.argv.slice(2),
      { 'chunk-size': { type: 'string' } },
      { positionals: true },
    );
    if (positionals.length > 1) throw new Error(`one file at a time, not ${positionals.length}`);
    file = positionals[0];
    const size = values['chunk-size'];
    chunkSize = size === undefined ? undefined : Number(size);
    if (chunkSize !== undefined && !(chunkSize > 0)) throw new Error('--chunk-size needs N > 0');
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  const url = process.env.POSTGRES_URL;
  if (!file || !url) {
    console.error(usage);
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
