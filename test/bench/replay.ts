/**
 * `npm run bench -- replay [entries] [--only redis|kafka|postgres]`: replay
 * throughput per dead-letter source (all three by default), next to a baseline
 * measured in the same run on the same servers.
 *
 *   Redis      100,000 envelopes, dead list -> queue, one Lua script call per batch
 *              baseline: redis-benchmark -P 16 LPUSH with payloads of the same size
 *   Kafka      100,000 DLQ records -> topic, acks=all
 *              baseline: kcat producing the same payloads (acks=all)
 *   PostgreSQL 100,000 dead_letters rows -> a table, a transaction per batch
 *              baseline: plain INSERT ... SELECT FROM unnest() of the same payloads, same batch size
 *
 * The replay figure covers the moves (journal writes included), from the job's
 * start to COMPLETED; indexing and planning are printed on their own line.
 *
 * `npm run bench -- replay --browse` instead times browsing an index of
 * 1,000,000 entries.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { insertDeadLetters, migrate } from '../../sandbox/schema';
import { startKafka, startPostgres, startRedis } from '../../sandbox/servers';
import { requireOnPath } from '../../sandbox/servers/lifecycle';
import { EntryIndex } from '../../src-main/core/deadletters/index/entryIndex';
import { openStore } from '../../src-main/core/store/database';
import { migrations } from '../../src-main/core/store/migrations';
import { browseFilterSchema, type ReplayJob } from '../../src-preload/contract';
import { makeTempDir } from '../support/tempDir';
import { createEnvironment, startCore, type TestCore } from '../integration/deadletters/harness';

interface Figure {
  name: string;
  entries: number;
  replayPerSecond: number;
  baselineName: string;
  baselinePerSecond: number;
  goal: number;
  /** A second reference doing the bare move with the same client library, for context. */
  reference: { name: string; perSecond: number } | null;
  notes: string;
}

function payload(i: number): string {
  return JSON.stringify({
    id: `w-${i}`,
    key: `doc-${i % 10_000}`,
    value: { title: `Document ${i}`, price: (i % 1000) / 10, tags: ['a', 'b'] },
  });
}

function rate(entries: number, ms: number): number {
  return Math.round((entries / ms) * 1000);
}

async function timeJob(
  t: TestCore,
  request: unknown,
): Promise<{ planMs: number; moveMs: number; job: ReplayJob }> {
  const started = Date.now();
  const job = await t.call('deadletters.replay', request as never);
  const planned = Date.now();
  for (;;) {
    const current = await t.call('deadletters.jobs.get', { jobId: job.id });
    if (
      current.status === 'COMPLETED' ||
      current.status === 'FAILED' ||
      current.status === 'CANCELLED'
    ) {
      if (current.status !== 'COMPLETED')
        throw new Error(`job ended ${current.status}: ${current.failureReason}`);
      return { planMs: planned - started, moveMs: Date.now() - planned, job: current };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function runCommand(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err}`)),
    );
    child.stdin.end(input ?? '');
  });
}

async function benchRedis(entries: number): Promise<Figure> {
  const server = await startRedis();
  const redis = new Redis(server.url, { lazyConnect: true });
  await redis.connect();
  const t = await startCore();
  try {
    const sizes: number[] = [];
    for (let i = 0; i < entries; i += 10_000) {
      const chunk = Array.from({ length: Math.min(10_000, entries - i) }, (_, k) => {
        const p = payload(i + k);
        sizes.push(p.length);
        return JSON.stringify({
          id: `w-${i + k}`,
          payload: JSON.parse(p) as unknown,
          error_class: 'SchemaViolation',
          error_message: 'value.price must be a number',
          attempts: 3,
          first_failed_at: '2024-05-01T10:00:00.000Z',
          last_failed_at: '2024-05-01T10:05:00.000Z',
          source_queue: 'write_queue',
        });
      });
      await redis.lpush('write_queue:dead', ...chunk);
    }
    const environmentId = await createEnvironment(t, { redisUrl: server.url });
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'writes', settings: { kind: 'redis', key: 'write_queue:dead' } },
    });
    const indexStart = Date.now();
    await t.call('deadletters.refreshIndex', { sourceId: source.id });
    const indexMs = Date.now() - indexStart;
    const { planMs, moveMs, job } = await timeJob(t, {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
    });
    if (job.moved !== entries || (await redis.llen('write_queue')) !== entries) {
      throw new Error(`Redis replay moved ${job.moved} of ${entries}`);
    }

    const average = Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
    const benchmark = requireOnPath('redis-benchmark', 'redis-tools');
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        benchmark,
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(server.port),
          '-P',
          '16',
          '-n',
          String(entries),
          '-d',
          String(average),
          '-t',
          'lpush',
          '-q',
        ],
        { timeout: 120_000 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    const match = /LPUSH[^:]*:\s*([\d.]+) requests per second/.exec(output.replace(/\r/g, '\n'));
    if (!match) throw new Error(`cannot read redis-benchmark output: ${output}`);

    // The bare move with the same client: LMOVE queue -> copy, pipelined 2,000 at a time.
    const lmoveStart = Date.now();
    for (let done = 0; done < entries; done += 2000) {
      const pipeline = redis.pipeline();
      for (let i = 0; i < Math.min(2000, entries - done); i += 1) {
        pipeline.lmove('write_queue', 'write_queue:copy', 'RIGHT', 'LEFT');
      }
      await pipeline.exec();
    }
    const lmoveMs = Date.now() - lmoveStart;
    return {
      name: 'Redis list -> queue',
      entries,
      replayPerSecond: rate(entries, moveMs),
      baselineName: `redis-benchmark -P 16 LPUSH (-d ${average})`,
      baselinePerSecond: Math.round(Number(match[1])),
      goal: 0.5,
      reference: { name: 'ioredis pipelined LMOVE loop', perSecond: rate(entries, lmoveMs) },
      notes:
        `index ${indexMs} ms, plan ${planMs} ms, moves ${moveMs} ms; one Lua script call per ` +
        'batch of up to 2,000 entries, each removed by its exact bytes (a run at the list end by ' +
        'LRANGE compare + LTRIM, any other by LREM), pushed and marked in the same script; the ' +
        'journal and the local index are written per batch',
    };
  } finally {
    redis.disconnect();
    await t.cleanup();
    await server.stop();
  }
}

async function benchKafka(entries: number): Promise<Figure> {
  // The mock cluster keeps about 5 MB per partition: enough partitions for every record.
  const partitions = Math.max(4, Math.ceil(entries / 8000));
  const cluster = await startKafka({
    topics: [
      { name: 'job-es-sync.dlq', partitions },
      { name: 'job-es-sync', partitions },
      { name: 'kcat-baseline', partitions },
    ],
  });
  const t = await startCore();
  try {
    const kafka = new Kafka({
      clientId: 'bench',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const payloads = Array.from({ length: entries }, (_, i) => payload(i));
    for (let i = 0; i < entries; i += 5000) {
      await producer.send({
        topic: 'job-es-sync.dlq',
        acks: -1,
        messages: payloads.slice(i, i + 5000).map((value, k) => ({
          key: `doc-${i + k}`,
          value,
          headers: {
            '__connect.errors.topic': 'job-es-sync',
            '__connect.errors.partition': String((i + k) % partitions),
            '__connect.errors.offset': String(i + k),
            '__connect.errors.exception.class.name': 'MappingException',
            '__connect.errors.exception.message': 'price is not a number',
          },
        })),
      });
    }
    await producer.disconnect();
    const environmentId = await createEnvironment(t, { brokers: cluster.brokers });
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'sync dlq', settings: { kind: 'kafka', topic: 'job-es-sync.dlq' } },
    });
    const indexStart = Date.now();
    await t.call('deadletters.refreshIndex', { sourceId: source.id });
    const indexMs = Date.now() - indexStart;
    const { planMs, moveMs, job } = await timeJob(t, {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
    });
    if (job.moved !== entries) throw new Error(`Kafka replay moved ${job.moved} of ${entries}`);

    // The bare send with the same client library: kafkajs, acks=all, one request in flight.
    const bare = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
    await bare.connect();
    const bareStart = Date.now();
    for (let i = 0; i < entries; i += 2000) {
      await bare.send({
        topic: 'kcat-baseline',
        acks: -1,
        messages: payloads.slice(i, i + 2000).map((value, k) => ({ key: `doc-${i + k}`, value })),
      });
    }
    const bareMs = Date.now() - bareStart;
    await bare.disconnect();

    const kcat = requireOnPath('kcat', 'kafkacat');
    const input = payloads.map((value, i) => `doc-${i}\t${value}`).join('\n') + '\n';
    const kcatStart = Date.now();
    await runCommand(
      kcat,
      ['-P', '-b', cluster.bootstrap, '-t', 'kcat-baseline', '-K', '\t', '-X', 'acks=all'],
      input,
    );
    const kcatMs = Date.now() - kcatStart;
    return {
      name: 'Kafka DLQ -> topic',
      entries,
      replayPerSecond: rate(entries, moveMs),
      baselineName: 'kcat -P acks=all, same payloads',
      baselinePerSecond: rate(entries, kcatMs),
      goal: 0.8,
      reference: {
        name: 'kafkajs send loop, acks=all, 2,000 per request',
        perSecond: rate(entries, bareMs),
      },
      notes: `index ${indexMs} ms, plan ${planMs} ms, moves ${moveMs} ms; ${job.delivery.startsWith('This cluster') ? 'acks=all (the mock names no controller: no idempotent producer for kafkajs)' : 'idempotent producer'}`,
    };
  } finally {
    await t.cleanup();
    await cluster.stop();
  }
}

async function benchPostgres(entries: number): Promise<Figure> {
  const server = await startPostgres();
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  pool.on('error', () => undefined);
  const t = await startCore();
  try {
    await migrate(pool);
    await pool.query(
      'CREATE TABLE import_queue (body jsonb NOT NULL, replay_id text, origin text)',
    );
    await pool.query(
      'CREATE TABLE baseline_queue (body jsonb NOT NULL, replay_id text, origin text)',
    );
    const payloads = Array.from({ length: entries }, (_, i) => payload(i));
    for (let i = 0; i < entries; i += 10_000) {
      await insertDeadLetters(
        pool,
        payloads.slice(i, i + 10_000).map((p) => ({
          source: 'import:nightly',
          payload: p,
          errorClass: 'DuplicateKey',
          errorMessage: 'duplicate key',
        })),
      );
    }
    const environmentId = await createEnvironment(t, { postgresUrl: server.url });
    const source = await t.call('deadletters.sources.save', {
      environmentId,
      source: { name: 'imports', settings: { kind: 'postgres', table: 'dead_letters' } },
    });
    const { planMs, moveMs, job } = await timeJob(t, {
      sourceId: source.id,
      selection: { kind: 'filter', filter: {} },
      target: {
        kind: 'postgres-table',
        table: 'import_queue',
        payloadColumn: 'body',
        replayIdColumn: 'replay_id',
        originColumn: 'origin',
      },
    });
    if (job.moved !== entries)
      throw new Error(`PostgreSQL replay moved ${job.moved} of ${entries}`);

    const client = await pool.connect();
    const baselineStart = Date.now();
    try {
      for (let i = 0; i < entries; i += 500) {
        const batch = payloads.slice(i, i + 500);
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO baseline_queue (body, replay_id, origin)
           SELECT u.p::jsonb, u.r, u.o FROM unnest($1::text[], $2::text[], $3::text[]) AS u(p, r, o)`,
          [batch, batch.map((_, k) => `r:${i + k}`), batch.map((_, k) => `o/${i + k}`)],
        );
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
    const baselineMs = Date.now() - baselineStart;
    return {
      name: 'PostgreSQL table -> table',
      entries,
      replayPerSecond: rate(entries, moveMs),
      baselineName: 'INSERT ... SELECT unnest(), 500 per transaction',
      baselinePerSecond: rate(entries, baselineMs),
      goal: 0,
      reference: null,
      notes: `plan ${planMs} ms, moves ${moveMs} ms; each batch also marks its dead letters in the same transaction`,
    };
  } finally {
    await t.cleanup();
    await pool.end();
    await server.stop();
  }
}

/**
 * `--browse`: the local index with 1,000,000 entries: how long a page, a count
 * and the common filters take (what the virtualized list asks for as it scrolls).
 */
function benchBrowse(): void {
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

/** The value after `--name`, or null when the option is absent. */
function optionValue(args: string[], name: string): string | null {
  const at = args.indexOf(name);
  if (at === -1) return null;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

export async function run(args: string[]): Promise<void> {
  if (args.includes('--browse')) {
    benchBrowse();
    return;
  }
  const only = optionValue(args, '--only');
  const positional = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--only');
  const entries = Number(positional[0] ?? 100_000);
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
        (figure.reference
          ? `\n  reference: ${figure.reference.name} ${figure.reference.perSecond.toLocaleString('en')}/s, ratio ${(figure.replayPerSecond / figure.reference.perSecond).toFixed(2)}`
          : '') +
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
