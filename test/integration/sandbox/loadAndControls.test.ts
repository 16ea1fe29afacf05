import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_DLQ_TOPIC } from '../../../sandbox/common/names';
import { startSandbox } from '../../../sandbox/pipeline';
import type { Sandbox } from '../../../sandbox/pipeline';
import type { DeadEnvelope } from '../../../sandbox/worker/envelope';
import { http, sleep, waitFor } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    syncMaxWaitMs: 100,
    syncMaxAttempts: 1,
    // One write in ten of each failure kind, half valid.
    mix: { invalidJson: 0.1, schemaViolation: 0.1, poison: 0.1, oversized: 0.1, nonUtf8: 0.1 },
  });
  await sandbox.consumer.ready();
});

afterAll(async () => {
  await sandbox?.stop();
});

async function totalSent(): Promise<number> {
  const status = (await http('GET', `${sandbox.control.url}/control/status`)).body as {
    load: { sent: Record<string, number> };
  };
  return Object.values(status.load.sent).reduce((sum, n) => sum + n, 0);
}

describe('load generator and controls', () => {
  it('sends at the set rate, ten times that in a burst, and every failure kind lands where it should', async () => {
    expect(
      (await http('POST', `${sandbox.control.url}/control/load/start`, '{"rate": 40}')).status,
    ).toBe(200);
    const start = await totalSent();
    await sleep(2000);
    const steady = (await totalSent()) - start;
    expect(steady).toBeGreaterThan(60);
    expect(steady).toBeLessThan(100);

    await http('POST', `${sandbox.control.url}/control/load/burst`, '{"seconds": 1}');
    const burstStart = await totalSent();
    await sleep(1000);
    const burst = (await totalSent()) - burstStart;
    expect(burst).toBeGreaterThan(250);
    await http('POST', `${sandbox.control.url}/control/load/stop`);

    const stats = sandbox.loadgen.stats();
    expect(stats.errors).toBe(0);
    for (const kind of [
      'valid',
      'invalidJson',
      'schemaViolation',
      'poison',
      'oversized',
      'nonUtf8',
    ]) {
      expect(stats.sent[kind as keyof typeof stats.sent], kind).toBeGreaterThan(0);
    }
    const failedAtWorker =
      stats.sent.invalidJson +
      stats.sent.schemaViolation +
      stats.sent.oversized +
      stats.sent.nonUtf8;
    const envelopes = await waitFor(
      'every failed write to be dead-lettered',
      async () =>
        (await sandbox.redis.lrange(sandbox.keys.dead, 0, -1)).map(
          (e) => JSON.parse(e) as DeadEnvelope,
        ),
      (list) => list.length === failedAtWorker,
    );
    const classes = new Set(envelopes.map((e) => e.error_class));
    expect([...classes].sort()).toEqual([
      'DocumentTooLarge',
      'InvalidEncoding',
      'InvalidJson',
      'SchemaViolation',
    ]);
    await waitFor(
      'every poison document in the DLQ topic',
      async () => Number((await sandbox.admin.fetchTopicOffsets(SYNC_DLQ_TOPIC))[0]!.high),
      (n) => n === stats.sent.poison,
    );
  });

  it('pausing the worker backs the queue up; resuming drains it', async () => {
    const paused = await http('POST', `${sandbox.control.url}/control/worker/pause`);
    expect(paused).toEqual({ status: 200, body: { worker: { paused: true } } });
    // The batch in hand finishes first.
    await sleep(300);
    sandbox.loadgen.setRate(100);
    await sandbox.loadgen.start();
    await sleep(1500);
    await sandbox.loadgen.stop();
    const backlog = await sandbox.writer.stats();
    expect(backlog.queue_depth).toBeGreaterThan(100);
    await sleep(500);
    expect((await sandbox.writer.stats()).queue_depth).toBe(backlog.queue_depth);

    const resumed = await http('POST', `${sandbox.control.url}/control/worker/resume`);
    expect(resumed).toEqual({ status: 200, body: { worker: { paused: false } } });
    await waitFor(
      'the queue to drain',
      () => sandbox.writer.stats(),
      (s) => s.queue_depth === 0,
    );
  });

  it('refuses bad control requests with the reason', async () => {
    const badRate = await http('POST', `${sandbox.control.url}/control/load/rate`, '{"rate": -1}');
    expect(badRate).toEqual({ status: 400, body: { error: 'rate must be a number >= 0' } });
    const badJson = await http('POST', `${sandbox.control.url}/control/load/rate`, '{"rate": }');
    expect(badJson.status).toBe(400);
    expect((badJson.body as { error: string }).error).toMatch(/line 1 column 10/);
    expect((await http('POST', `${sandbox.control.url}/control/nothing/pause`)).status).toBe(404);
    expect((await http('GET', `${sandbox.control.url}/control/worker/pause`)).status).toBe(405);
  });
});
