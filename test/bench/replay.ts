/**
 * `npm run bench -- replay [entries] [--only redis|kafka|postgres]`: replay
 * throughput per dead-letter source (all three by default), next to a baseline
 * measured in the same run on the same servers.
 *
 *   Redis      100,000 envelopes, dead list -> queue, one Lua script call per batch
 *              baseline: redis-benchmark -P 16 LPUSH with payloads of the same size
 *   Kafka      100,000 DLQ records -> topic, acks=all, on Apache Kafka 4.1 (one KRaft node)
 *              baseline: kcat producing the same payloads (acks=all); references on the
 *              same cluster: kafka-producer-perf-test (ProducerPerformance, acks=all,
 *              the same payloads) and a bare kafkajs send loop
 *   PostgreSQL 100,000 dead_letters rows -> a table, a transaction per batch
 *              baseline: plain INSERT ... SELECT FROM unnest() of the same payloads, same batch size
 *
 * The replay figure covers the moves (journal writes included), from the job's
 * start to COMPLETED; indexing and planning are printed on their own line.
 *
 * `npm run bench -- replay --browse` instead times browsing an index of
 * 1,000,000 entries.
 */
import { readCommandLine } from '@shared/cli/commandLine';
import { benchBrowse } from './replay/browse';
import type { Figure } from './replay/common';
import { benchKafka } from './replay/kafka';
import { benchPostgres } from './replay/postgres';
import { benchRedis } from './replay/redis';

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
  const benches = { redis: benchRedis, kafka: benchKafka, postgres: benchPostgres };
  if (only !== null && !(only in benches))
    throw new Error(`--only takes one of ${Object.keys(benches).join(', ')}`);
  const figures: Figure[] = [];
  for (const [name, bench] of Object.entries(benches)) {
    if (only !== null && name !== only) continue;
    const figure = await bench(entries);
    figures.push(figure);
    console.log(
      `${figure.name}: ${figure.replayPerSecond.toLocaleString('en')} entries/s; ` +
        `baseline ${figure.baselinePerSecond.toLocaleString('en')}/s (${figure.baselineName}); ` +
        `ratio ${(figure.replayPerSecond / figure.baselinePerSecond).toFixed(2)}` +
        (figure.goal > 0 ? ` (goal >= ${figure.goal})` : '') +
        figure.references
          .map(
            (reference) =>
              `\n  reference: ${reference.name} ${reference.perSecond.toLocaleString('en')}/s, ratio ${(figure.replayPerSecond / reference.perSecond).toFixed(2)}`,
          )
          .join('') +
        `\n  ${figure.notes}`,
    );
  }
  console.log('\nadapter                     entries   replay/s  baseline/s  ratio  goal');
  for (const f of figures) {
    const ratio = f.replayPerSecond / f.baselinePerSecond;
    console.log(
      `${f.name.padEnd(26)} ${String(f.entries).padStart(8)} ${String(f.replayPerSecond).padStart(10)} ` +
        `${String(f.baselinePerSecond).padStart(11)}  ${ratio.toFixed(2).padStart(5)}  ${f.goal > 0 ? `>= ${f.goal}` : '-'}`,
    );
  }
}
