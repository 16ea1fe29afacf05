/**
 * `npm run bench -- <name> [args...]` runs test/bench/<name>.ts. Each benchmark
 * prints its own figures next to a baseline measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface BenchModule {
  run(args: string[]): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.startsWith('_'))
  .map((file) => file.slice(0, -3))
  .sort();

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || !available.includes(name)) {
    console.error(`usage: npm run bench -- <${available.join('|')}> [args...]`);
    process.exit(2);
  }
  const mod = (await import(join(here, `${name}.ts`))) as BenchModule;
  await mod.run(rest);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
