import { afterEach, describe, expect, it } from 'vitest';
import {
  ProbePoller,
  backoffDelay,
  type Probe,
  type PollerHealth,
} from '../../../src-main/core/monitoring/poller';

const pollers: ProbePoller<unknown>[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A source whose polls are driven by the test. */
class ScriptedSource implements Probe<number> {
  readonly kind = 'redis' as const;
  calls = 0;
  resets = 0;
  concurrent = 0;
  maxConcurrent = 0;
  behaviour: (call: number) => Promise<number> = async (call) => call;

  async poll(): Promise<number> {
    this.calls += 1;
    this.concurrent += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    try {
      return await this.behaviour(this.calls);
    } finally {
      this.concurrent -= 1;
    }
  }

  describeFailure(error: unknown) {
    return { cause: 'refused' as const, message: `refused: ${(error as Error).message}` };
  }

  async reset() {
    this.resets += 1;
  }

  async close() {}
}

function makePoller(
  source: ScriptedSource,
  overrides: Partial<{ intervalMs: number; timeoutMs: number }> = {},
) {
  const samples: number[] = [];
  const healths: PollerHealth[] = [];
  const poller = new ProbePoller<number>({
    probe: source,
    intervalMs: overrides.intervalMs ?? 20,
    timeoutMs: overrides.timeoutMs ?? 1000,
    backoff: { initialMs: 60, maxMs: 200 },
    onSample: (sample) => samples.push(sample),
    onHealth: (health) => healths.push(health),
  });
  pollers.push(poller as ProbePoller<unknown>);
  return { poller, samples, healths };
}

describe('source poller', () => {
  it('never overlaps itself: ticks during a slow poll are skipped and counted', async () => {
    const source = new ScriptedSource();
    source.behaviour = async (call) => {
      await sleep(call === 1 ? 150 : 1);
      return call;
    };
    const { poller, samples } = makePoller(source, { intervalMs: 20 });
    poller.start();
    await sleep(200);
    expect(source.maxConcurrent).toBe(1);
    expect(poller.currentHealth().skippedTicks).toBeGreaterThanOrEqual(4);
    expect(samples[0]).toBe(1);
    expect(poller.currentHealth().state).toBe('up');
  });

  it('a poll that outlives its timeout fails with cause timeout and drops the connection', async () => {
    const source = new ScriptedSource();
    source.behaviour = () => new Promise(() => undefined);
    const { poller, healths } = makePoller(source, { intervalMs: 1000, timeoutMs: 50 });
    await poller.pollNow();
    const health = poller.currentHealth();
    expect(health.state).toBe('down');
    expect(health.failure).toEqual({ cause: 'timeout', message: 'no answer within 0.1 s' });
    expect(source.resets).toBe(1);
    expect(healths.at(-1)?.state).toBe('down');
  });

  it('down since the first failure, with backoff between attempts, then up again', async () => {
    const source = new ScriptedSource();
    let failing = true;
    source.behaviour = async (call) => {
      if (failing) throw new Error(`attempt ${call}`);
      return call;
    };
    const { poller, healths } = makePoller(source, { intervalMs: 10 });
    poller.start();
    await sleep(30);
    const first = poller.currentHealth();
    expect(first.state).toBe('down');
    expect(first.failure?.cause).toBe('refused');
    // 10 ms ticks, but the backoff (60 ms, then 120 ms) holds the attempts back.
    await sleep(150);
    const later = poller.currentHealth();
    expect(source.calls).toBeLessThanOrEqual(4);
    expect(later.since).toBe(first.since);
    expect(later.consecutiveFailures).toBe(source.calls);
    expect(later.nextAttemptAt).not.toBeNull();

    failing = false;
    await sleep(300);
    const recovered = poller.currentHealth();
    expect(recovered.state).toBe('up');
    expect(recovered.failure).toBeNull();
    expect(recovered.consecutiveFailures).toBe(0);
    expect(healths.map((h) => h.state)).toEqual(expect.arrayContaining(['starting', 'down', 'up']));
  });

  it('a failing sample handler does not stop the poller', async () => {
    const source = new ScriptedSource();
    const poller = new ProbePoller<number>({
      probe: source,
      intervalMs: 10,
      timeoutMs: 100,
      onSample: () => {
        throw new Error('consumer broke');
      },
      onHealth: () => undefined,
    });
    pollers.push(poller as ProbePoller<unknown>);
    poller.start();
    await sleep(60);
    expect(source.calls).toBeGreaterThan(2);
    expect(poller.currentHealth().state).toBe('up');
  });

  it('backoff doubles from the initial delay up to the ceiling, with jitter', () => {
    const options = { initialMs: 1000, maxMs: 30_000 };
    const mid = () => 0.5;
    expect(backoffDelay(1, options, mid)).toBe(1000);
    expect(backoffDelay(2, options, mid)).toBe(2000);
    expect(backoffDelay(5, options, mid)).toBe(16_000);
    expect(backoffDelay(12, options, mid)).toBe(30_000);
    expect(backoffDelay(1, options, () => 0)).toBe(800);
    expect(backoffDelay(1, options, () => 1)).toBe(1200);
  });

  it('after stop, no more polls run and late results are ignored', async () => {
    const source = new ScriptedSource();
    source.behaviour = async (call) => {
      await sleep(30);
      return call;
    };
    const { poller, samples } = makePoller(source, { intervalMs: 10 });
    poller.start();
    await sleep(5);
    await poller.stop();
    await sleep(60);
    expect(source.calls).toBe(1);
    expect(samples).toEqual([]);
  });
});
