/**
 * `npm run bench -- replay [entries] [--only redis|kafka|postgres]`: for each
 * dead-letter source kind (all three by default), rows measured against a
 * baseline in the same run on the same servers:
 *
 *   end to end      from "start replay" on a source never indexed to the last entry
 *                   moved (index, plan and moves) against the bare move with the same
 *                   client (ioredis pipelined LMOVE; kafkajs send loop; INSERT ... SELECT)
 *   selective 10 %  a scattered tenth of the entries against replaying a source that
 *                   holds only those entries
 *   footprint       the longest stall another client saw during the Sluice run
 *                   (Redis: PING round trip; PostgreSQL: a concurrent writer's INSERT;
 *                   Kafka: a consuming group's longest gap), beside the same during the baseline
 *
 * `npm run bench -- replay --browse` instead times browsing an index of
 * 1,000,000 entries.
 */
import { readCommandLine } from '@shared/cli/commandLine';
import { benchBrowse } from './replay/browse';
import { figureRows, type BenchRow, type Figure, type Measure } from './replay/common';
import { benchKafka } from './replay/kafka';
import { benchPostgres } from './replay/postgres';
import { benchRedis } from './replay/redis';

function shown(measure: Measure): string {
  return `${Math.round(measure.value).toLocaleString('en')} ${measure.unit}`;
}

export async function run(args: string[]): Promise<void> {
  const { values, positionals } = readCommandLine(
    args,
    { browse: { type: 'boolean' }, only: { type: 'string' } },
    { positionals: true },
  );
  if (values.browse) {
    benchBrowse();
    return;
  }
  const only = values.only ?? null;
  const entries = Number(positionals[0] ?? 100_000);
  if (!Number.isInteger(entries) || entries < 1000)
    throw new Error('entries must be an integer >= 1000');
  // A bench that still reports one move-throughput Figure is shown as its row.
  const benches: Record<
    string,
    [BenchRow['adapter'], (n: number) => Promise<BenchRow[] | Figure>]
  > = {
    redis: ['Redis', benchRedis],
    kafka: ['Kafka', benchKafka],
    postgres: ['PostgreSQL', benchPostgres],
  };
  if (only !== null && !(only in benches))
    throw new Error(`--only takes one of ${Object.keys(benches).join(', ')}`);
  const rows: BenchRow[] = [];
  for (const [name, [adapter, bench]] of Object.entries(benches)) {
    if (only !== null && name !== only) continue;
    const result = await bench(entries);
    for (const row of Array.isArray(result) ? result : figureRows(result, adapter)) {
      rows.push(row);
      console.log(
        `${row.adapter} ${row.row}, ${row.entries.toLocaleString('en')} entries: ` +
          `Sluice ${shown(row.sluice)} (${row.sluice.label}); ` +
          `baseline ${shown(row.baseline)} (${row.baseline.label}); ` +
          `ratio ${row.ratio.toFixed(2)} (goal ${row.goal})\n  ${row.notes}`,
      );
    }
  }
  console.log('\nadapter     row             entries        Sluice      baseline   ratio  goal');
  for (const r of rows) {
    console.log(
      `${r.adapter.padEnd(11)} ${r.row.padEnd(15)} ${String(r.entries).padStart(8)} ` +
        `${shown(r.sluice).padStart(13)} ${shown(r.baseline).padStart(13)}  ` +
        `${r.ratio.toFixed(2).padStart(5)}  ${r.goal}`,
    );
  }
}
