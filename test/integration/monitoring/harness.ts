import type { EnvironmentInput, MonitoringConfigInput, MonitoringSnapshot } from '@shared/contract';
import type { MonitoringService } from '../../../src-main/core/monitoring/service';
import { startTestCore, type TestCore } from '../../support/testCore';

/** A test core plus shortcuts to the monitoring service its tests drive. */
export interface MonitoringHarness extends TestCore {
  /** The core's own monitoring service: tests poll its monitors on demand and count requests. */
  service: MonitoringService;
  addEnvironment(input: Omit<EnvironmentInput, 'colour'>): Promise<string>;
  configure(environmentId: string, config: MonitoringConfigInput): Promise<void>;
  snapshot(environmentId: string): MonitoringSnapshot;
}

/**
 * A whole core on a real SQLite store, with short backoffs so outages and
 * recoveries show within seconds.
 */
export async function startMonitoringHarness(): Promise<MonitoringHarness> {
  const t = await startTestCore({
    monitoringTimings: { backoff: { initialMs: 200, maxMs: 1000 }, healthCheckIntervalMs: 200 },
  });
  const service = t.core.monitoring;
  return {
    ...t,
    service,
    async addEnvironment(input) {
      const view = await t.call('environments.save', {
        environment: { colour: '#336699', ...input },
        acceptUnencryptedSecrets: true,
      });
      return view.id;
    },
    async configure(environmentId, config) {
      await t.call('monitoring.config.save', { environmentId, config });
    },
    snapshot: (environmentId) => service.snapshot(environmentId),
  };
}

/** Polls `read` until `accept` holds; fails with the last value seen. */
export async function waitFor<T>(
  what: string,
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await read();
  }
  return last;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
