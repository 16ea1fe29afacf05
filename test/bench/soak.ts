/**
 * npm run bench -- soak [--minutes 10] [--rate 500] [--no-failures] [--sample-seconds 10]
 *
 * Runs the sandbox pipeline at a steady write rate and samples it: achieved
 * and processed rates, queue depth, failures, sync gap and lag, sync latency,
 * and the memory of this process and of the server processes. Prints a table,
 * a baseline measured in the same run (redis-benchmark LPUSH against the same
 * Redis), whether there were errors, and whether memory grew.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { stderrLogger } from '@shared/log/logger';
import { numberValue, readCommandLine } from '@shared/cli/commandLine';
import { NO_FAILURES } from '../../sandbox/loadgen/payloads';
import { startSandbox } from '../../sandbox/pipeline';
import type { Sandbox } from '../../sandbox/pipeline';
import { MissingBinaryError } from '../../sandbox/servers';
import { processTreeMemory } from '../../sandbox/metrics/processMemory';
import { formatTable, memoryVerdict } from '../../sandbox/metrics/soakReport';
import type { Sample } from '../../sandbox/metrics/soakReport';

interface SoakOptions {
  minutes: number;
  rate: number;
  failures: boolean;
  sampleSeconds: number;
}

function parseArgs(args: string[]): SoakOptions {
  const { values } = readCommandLine(args, {
    minutes: { type: 'string' },
    rate: { type: 'string' },
    'sample-seconds': { type: 'string' },
    'no-failures': { type: 'boolean' },
  });
  const value = (flag: 'minutes' | 'rate' | 'sample-seconds', fallback: number): number =>
    numberValue(values[flag], fallback, { above: 0 }, `--${flag} needs a number > 0`);
  return {
    minutes: value('minutes', 10),
    rate: value('rate', 500),
    failures: !values['no-failures'],
    sampleSeconds: value('sample-seconds', 10),
  };
}

/** LPUSH requests per second redis-benchmark reaches against the sandbox's Redis. */
function redisBaseline(port: number): number {
  const check = spawnSync('sh', ['-c', 'command -v redis-benchmark'], { encoding: 'utf8' });
  if (check.status !== 0) throw new MissingBinaryError('redis-benchmark', 'redis-tools');
  const run = spawnSync(
    'redis-benchmark',
    ['-h', '127.0.0.1', '-p', String(port), '-t', 'lpush', '-n', '100000', '-q'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  // -q prints progress with carriage returns, then "LPUSH: 123456.79 requests per second, p50=...".
  const match = /LPUSH: ([\d.]+) requests per second/.exec(run.stdout ?? '');
  if (run.status !== 0 || !match) {
    throw new Error(`redis-benchmark failed (${run.status}): ${run.stderr || run.stdout}`);
  }
  return Number(match[1]);
}

/**
 * A full garbage collection before each memory reading: the heap then holds
 * only live objects, so its trend shows a leak rather than the collector's
 * sawtooth. Enabled at run time since the bench runner is not started with
 * --expose-gc.
 */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function syncLatency(
  sandbox: Sandbox,
  seconds: number,
): Promise<{ p50: number; p95: number }> {
  const result = await sandbox.pool.query<{ p50: number | null; p95: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM es_synced_at - updated_at)) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM es_synced_at - updated_at)) AS p95
       FROM documents WHERE es_synced_at > now() - make_interval(secs => $1)`,
    [seconds],
  );
  const row = result.rows[0];
  return { p50: (row?.p50 ?? 0) * 1000, p95: (row?.p95 ?? 0) * 1000 };
}

function serverPids(sandbox: Sandbox): { redis: number | null; kafka: number; postgres: number } {
  return {
    redis: sandbox.redisServer.pid,
    kafka: sandbox.kafkaCluster.pid,
    postgres: sandbox.postgres.pid,
  };
}

export async function run(args: string[]): Promise<void> {
  const options = parseArgs(args);
  console.log(
    `soak: ${options.rate} writes/s for ${options.minutes} min` +
      `${options.failures ? ' with the default failure mix' : ', valid writes only'}, sampling every ${options.sampleSeconds} s`,
  );
  const sandbox = await startSandbox({
    rate: 0,
    mix: options.failures ? undefined : NO_FAILURES,
    logger: stderrLogger('warn'),
  });
  try {
    const baseline = redisBaseline(sandbox.redisServer.port);
    await sandbox.redis.del('mylist');
    console.log(
      `baseline: redis-benchmark LPUSH on the same Redis: ${baseline.toFixed(0)} requests/s`,
    );

    const gc = collectGarbage();
    const samples: Sample[] = [];
    const started = Date.now();
    let last = { at: started, processed: (await sandbox.snapshot()).processed };
    let lastElu = performance.eventLoopUtilization();
    sandbox.loadgen.setRate(options.rate);
    await sandbox.loadgen.start();
    const endAt = started + options.minutes * 60_000;
    while (Date.now() < endAt) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(options.sampleSeconds * 1000, endAt - Date.now())),
      );
      const [snapshot, latency] = await Promise.all([
        sandbox.snapshot(),
        syncLatency(sandbox, options.sampleSeconds),
      ]);
      const now = Date.now();
      const load = sandbox.loadgen.stats();
      gc();
      const memory = process.memoryUsage();
      const servers = serverPids(sandbox);
      const elu = performance.eventLoopUtilization(lastElu);
      lastElu = performance.eventLoopUtilization();
      const sample: Sample = {
        seconds: Math.round((now - started) / 1000),
        achievedRate: load.achievedRate,
        processedRate: ((snapshot.processed - last.processed) * 1000) / (now - last.at),
        queueDepth: snapshot.queueDepth,
        processingDepth: snapshot.processingDepth,
        processed: snapshot.processed,
        failed: snapshot.failed,
        rejected: load.rejected,
        errors: load.errors,
        behind: load.behind,
        syncGap: snapshot.syncGap,
        lag: snapshot.lag.total,
        dlq: snapshot.dlqMessages,
        syncP50Ms: latency.p50,
        syncP95Ms: latency.p95,
        eventLoopBusy: elu.utilization,
        rssMb: memory.rss / 2 ** 20,
        heapMb: memory.heapUsed / 2 ** 20,
        redisMb: processTreeMemory(servers.redis) / 2 ** 20,
        kafkaMb: processTreeMemory(servers.kafka) / 2 ** 20,
        postgresMb: processTreeMemory(servers.postgres) / 2 ** 20,
      };
      last = { at: now, processed: snapshot.processed };
      samples.push(sample);
      console.log(formatTable([sample], samples.length === 1));
    }
    await sandbox.loadgen.stop();

    // Drain: the queue empties, and lag returns to zero.
    const drainStart = Date.now();
    let drained = await sandbox.snapshot();
    while (
      Date.now() - drainStart < 120_000 &&
      (drained.queueDepth + drained.processingDepth > 0 || drained.lag.total > 0)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      drained = await sandbox.snapshot();
    }
    const load = sandbox.loadgen.stats();
    const worker = sandbox.worker?.counters;
    const sentTotal = Object.values(load.sent).reduce((a, b) => a + b, 0);
    const steady = samples.filter((s) => s.seconds > 30);
    const mean = (values: number[]): number =>
      values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

    console.log('\n=== soak summary ===');
    console.log(formatTable(samples, true));
    console.log(`\nduration ${options.minutes} min, target ${options.rate} writes/s`);
    console.log(
      `sent ${sentTotal} writes (${JSON.stringify(load.sent)}); accepted ${load.accepted}, ` +
        `pushed raw ${load.pushedRaw}, rejected by the API ${load.rejected}, errors ${load.errors}, ` +
        `resent after a closed keep-alive socket ${load.resent}, not sent (in-flight limit) ${load.behind}`,
    );
    console.log(
      `achieved ${mean(steady.map((s) => s.achievedRate)).toFixed(1)} writes/s, processed ${mean(steady.map((s) => s.processedRate)).toFixed(1)} writes/s (mean after 30 s)`,
    );
    console.log(
      `baseline redis-benchmark LPUSH ${baseline.toFixed(0)} requests/s: the target uses ${((options.rate / baseline) * 100).toFixed(2)}% of raw Redis LPUSH capacity`,
    );
    console.log(
      `after drain (${((Date.now() - drainStart) / 1000).toFixed(0)} s): queue ${drained.queueDepth}, processing ${drained.processingDepth}, ` +
        `lag ${drained.lag.total}, sync gap ${drained.syncGap} (poison documents stay in the gap by design), ` +
        `write_queue:dead ${drained.deadDepth}, job-es-sync.dlq ${drained.dlqMessages}`,
    );
    console.log(
      `worker: ${worker?.processed ?? 0} processed, ${worker?.failed ?? 0} dead-lettered, ${worker?.retries ?? 0} retries; ` +
        `sync: ${sandbox.consumer.counters.indexed} indexed, ${sandbox.consumer.counters.deadLettered} to DLQ, ${sandbox.consumer.counters.stalls} stalls; ` +
        `outbox: ${sandbox.drainer.counters.published} published, ${sandbox.drainer.counters.failedSends} failed sends; ` +
        `backup poller re-published ${sandbox.poller.counters.republished}`,
    );
    const errors =
      load.errors +
      (worker?.retries ?? 0) +
      sandbox.consumer.counters.stalls +
      sandbox.drainer.counters.failedSends;
    console.log(errors === 0 ? 'errors: none' : `errors: ${errors} (see the counters above)`);
    for (const verdict of memoryVerdict(samples)) console.log(verdict);
  } finally {
    await sandbox.stop();
  }
}
