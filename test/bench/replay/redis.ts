import { execFile } from 'node:child_process';
import { Redis } from 'ioredis';
import { startRedis } from '../../../sandbox/servers';
import { requireOnPath } from '../../../sandbox/servers/lifecycle';
import { createEnvironment, startCore } from '../../integration/deadletters/harness';
import { type Figure, indexAndReplayAll, payload, rate } from './common';

export async function benchRedis(entries: number): Promise<Figure> {
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
    const { indexMs, planMs, moveMs, job } = await indexAndReplayAll(t, source.id);
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
      references: [{ name: 'ioredis pipelined LMOVE loop', perSecond: rate(entries, lmoveMs) }],
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
