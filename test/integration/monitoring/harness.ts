import { join } from 'node:path';
import {
  environmentInputSchema,
  monitoringConfigSchema,
  type EnvironmentInput,
  type EventName,
  type MonitoringConfigInput,
  type MonitoringSnapshot,
} from '@shared/contract';
import { EnvironmentRepository } from '../../../src-main/core/environments/repository';
import { EnvironmentService } from '../../../src-main/core/environments/service';
import { silentLogger } from '@shared/log/logger';
import { MonitoringService } from '../../../src-main/core/monitoring/service';
import { EventBus } from '../../../src-main/core/rpc/eventBus';
import { createFileSecretStore } from '../../../src-main/core/secrets';
import { openStore, type Db } from '../../../src-main/core/store/database';
import { migrations } from '../../../src-main/core/store/migrations';
import { makeTempDir } from '../../support/tempDir';

export interface MonitoringHarness {
  db: Db;
  events: EventBus;
  environments: EnvironmentService;
  service: MonitoringService;
  notifications: { title: string; body: string }[];
  /** Every event emitted, in order. */
  emitted: { event: EventName; payload: unknown; at: number }[];
  addEnvironment(input: Omit<EnvironmentInput, 'colour'>): Promise<string>;
  configure(environmentId: string, config: MonitoringConfigInput): Promise<void>;
  snapshot(environmentId: string): MonitoringSnapshot;
  cleanup(): Promise<void>;
}

/**
 * The monitoring service on a real SQLite store, with short backoffs so
 * outages and recoveries show within seconds.
 */
export async function startMonitoringHarness(): Promise<MonitoringHarness> {
  const temp = makeTempDir('sluice-monitoring-');
  const db = openStore({ file: join(temp.dir, 'sluice.db'), migrations });
  const events = new EventBus(silentLogger);
  const environments = new EnvironmentService(
    new EnvironmentRepository(db),
    createFileSecretStore(join(temp.dir, 'secrets.json')),
    events,
  );
  const notifications: { title: string; body: string }[] = [];
  const emitted: { event: EventName; payload: unknown; at: number }[] = [];
  events.onAny((event, payload) => emitted.push({ event, payload, at: Date.now() }));
  const service = new MonitoringService({
    db,
    environments,
    events,
    logger: silentLogger,
    notify: (title, body) => notifications.push({ title, body }),
    operatorName: () => 'tester',
    backoff: { initialMs: 200, maxMs: 1000 },
    healthCheckIntervalMs: 200,
  });
  await service.start();
  return {
    db,
    events,
    environments,
    service,
    notifications,
    emitted,
    async addEnvironment(input) {
      const view = await environments.save(
        environmentInputSchema.parse({ colour: '#336699', ...input }),
        true,
      );
      return view.id;
    },
    async configure(environmentId, config) {
      await service.saveConfig(environmentId, monitoringConfigSchema.parse(config));
    },
    snapshot: (environmentId) => service.snapshot(environmentId),
    async cleanup() {
      await service.close();
      db.close();
      temp.cleanup();
    },
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
