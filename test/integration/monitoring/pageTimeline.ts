import { onTestFailed, onTestFinished } from 'vitest';
import type { MonitoringSnapshot, ServerHealth } from '@shared/contract';
import { sleep } from './harness';

/** Every change of what the page shows, sampled every 100 ms until stopped. */
export function recordTimeline(
  read: (environmentId: string) => { snapshot: MonitoringSnapshot; health: ServerHealth },
  environmentId: string,
  groupIds: string[],
) {
  const entries: {
    at: number;
    health: ServerHealth;
    brokers: number | null;
    errors: Map<string, string | null>;
    text: string;
  }[] = [];
  let last = '';
  let running = true;
  const loop = (async () => {
    while (running) {
      const { snapshot, health } = read(environmentId);
      const groups = groupIds.map((id) => {
        const group = snapshot.kafka?.groups.find((g) => g.groupId === id);
        return `${id}: lag ${group?.totalLag ?? '-'} ${group?.status ?? '-'}${group?.error ? ` (${group.error})` : ''}`;
      });
      const text =
        `kafka ${health.state}${health.message ? ` (${health.message}, failed polls ${health.consecutiveFailures})` : ''}, ` +
        `${snapshot.kafka?.brokers ?? '?'} brokers; ${groups.join('; ')}`;
      if (text !== last) {
        const errors = new Map(
          groupIds.map((id) => [
            id,
            snapshot.kafka?.groups.find((g) => g.groupId === id)?.error ?? null,
          ]),
        );
        entries.push({
          at: Date.now(),
          health,
          brokers: snapshot.kafka?.brokers ?? null,
          errors,
          text,
        });
        last = text;
      }
      await sleep(100);
    }
  })();
  let origin = Date.now();
  const timeline = {
    entries,
    /** Times in the description count from here (the kill). */
    mark(at: number) {
      origin = at;
    },
    describe(): string {
      return entries.map((e) => `  +${((e.at - origin) / 1000).toFixed(1)} s ${e.text}`).join('\n');
    },
    async stop() {
      running = false;
      await loop;
    },
  };
  // Stopped with its test whatever happens; on a failure it says what the page showed.
  onTestFinished(() => timeline.stop());
  onTestFailed(() => console.log(`what the Lag page showed:\n${timeline.describe()}`));
  return timeline;
}
