import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelName } from '@shared/contract';
import { deadLetterMutationScenarios } from '../deadletters/auditScenarios';
import { kafkaGroupMutationScenarios } from '../kafkaGroups/auditScenarios';
import type { TestCore } from './coreHarness';
import type { MutationScenario } from './mutationScenario';

export const UNKNOWN_ID = '2b1e5b43-7a55-4a55-9e0c-3a4a1c1f0d55';
export const REDIS_PASSWORD = 'audit-redis-Pa55';
export const SASL_PASSWORD = 'audit-sasl-Pa55';

async function call(t: TestCore, channel: ChannelName, input: unknown): Promise<unknown> {
  const result = await t.core.dispatch(channel, input, { transport: 'internal' });
  if (!result.ok) throw new Error(`${channel} failed while preparing: ${result.error.message}`);
  return result.value;
}

function environment(name: string) {
  return {
    name,
    colour: '#3366ff',
    redisUrl: `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/0`,
    kafka: {
      brokers: ['127.0.0.1:9092'],
      sasl: { mechanism: 'plain', username: 'svc', password: SASL_PASSWORD },
    },
  };
}

async function savedEnvironment(t: TestCore, name: string): Promise<{ id: string; name: string }> {
  return (await call(t, 'environments.save', {
    environment: environment(name),
    acceptUnencryptedSecrets: true,
  })) as { id: string; name: string };
}

async function savedRunbook(t: TestCore, title: string): Promise<{ id: string }> {
  return (await call(t, 'runbooks.save', {
    runbook: { title, body: `# ${title}\nsteps` },
  })) as { id: string };
}

/** A path where a folder is expected but a file sits. */
function fileInTheWay(t: TestCore, name: string): string {
  const path = join(t.dir, name);
  writeFileSync(path, 'not a folder');
  return path;
}

/** An alert as a monitor opens it (monitors only open them against live servers). */
function openAlert(t: TestCore, environmentId: string): string {
  const id = randomUUID();
  const now = new Date().toISOString();
  t.core.db
    .prepare(
      `INSERT INTO monitoring_alerts (id, environment_id, rule_id, kind, target, state, title,
         detail, value, opened_at, updated_at)
       VALUES (?, ?, 'queue-depth', 'queue-depth', 'write_queue', 'open', 'Queue grows', '', 5000, ?, ?)`,
    )
    .run(id, environmentId, now, now);
  return id;
}

async function bareEnvironment(t: TestCore, name: string): Promise<string> {
  const saved = (await call(t, 'environments.save', {
    environment: { name, colour: '#123456' },
  })) as { id: string };
  return saved.id;
}

/**
 * How to make each mutating channel succeed, fail and (where it can be) be
 * denied for real. Keyed by name so channels of any domain can be listed;
 * every mutating channel of the contract must have an entry: the audit test
 * fails naming any channel that has none. Domains with many channels keep
 * theirs beside their own tests and are merged in here.
 */
export const mutationScenarios: Record<string, MutationScenario> = {
  'settings.update': {
    sample: { displayName: 'Ada' },
    success: async () => ({ input: { displayName: 'Ada L.' } }),
    failure: async () => ({ input: { displayName: 'x'.repeat(200) }, code: 'INVALID_INPUT' }),
  },
  'environments.save': {
    sample: { environment: { name: 'e', colour: '#000000' } },
    success: async () => ({
      input: { environment: environment('staging'), acceptUnencryptedSecrets: true },
    }),
    failure: async (t) => {
      await savedEnvironment(t, 'taken');
      return {
        input: { environment: environment('TAKEN'), acceptUnencryptedSecrets: true },
        code: 'CONFLICT',
      };
    },
    // The secret store cannot encrypt: saving a password without consent is denied.
    denial: async () => ({
      input: { environment: environment('no-consent'), acceptUnencryptedSecrets: false },
    }),
  },
  'environments.remove': {
    sample: { id: UNKNOWN_ID },
    success: async (t) => ({ input: { id: (await savedEnvironment(t, 'doomed')).id } }),
    failure: async () => ({ input: { id: UNKNOWN_ID }, code: 'NOT_FOUND' }),
  },
  'runbooks.save': {
    sample: { runbook: { title: 't', body: '' } },
    success: async () => ({ input: { runbook: { title: 'Queue grows', body: '# steps' } } }),
    failure: async () => ({
      input: { runbook: { id: UNKNOWN_ID, title: 'Ghost', body: '' } },
      code: 'NOT_FOUND',
    }),
  },
  'runbooks.remove': {
    sample: { id: UNKNOWN_ID },
    success: async (t) => ({ input: { id: (await savedRunbook(t, 'Old runbook')).id } }),
    failure: async () => ({ input: { id: UNKNOWN_ID }, code: 'NOT_FOUND' }),
  },
  'runbooks.export': {
    sample: {},
    success: async (t) => {
      await savedRunbook(t, 'Exported');
      return { input: { directory: join(t.dir, 'runbook-export') } };
    },
    failure: async (t) => ({
      input: { directory: join(fileInTheWay(t, 'export-blocker'), 'sub') },
      code: 'INTERNAL',
    }),
  },
  'runbooks.import': {
    sample: { directory: '/tmp' },
    success: async (t) => {
      const directory = join(t.dir, 'runbook-import');
      mkdirSync(directory, { recursive: true });
      writeFileSync(
        join(directory, 'imported.md'),
        '---\ntitle: Imported runbook\ntags: ["redis"]\n---\n# Imported\nsteps\n',
      );
      return { input: { directory } };
    },
    failure: async (t) => ({ input: { directory: join(t.dir, 'missing') }, code: 'NOT_FOUND' }),
  },
  'audit.export': {
    sample: { format: 'csv' },
    success: async () => ({ input: { format: 'csv', filter: {} } }),
    failure: async (t) => {
      // Runbook exports share the folder; put a file where the folder should be.
      const path = join(t.dir, 'exports');
      const { rmSync } = await import('node:fs');
      rmSync(path, { recursive: true, force: true });
      writeFileSync(path, 'not a folder');
      return {
        input: { format: 'jsonl', filter: {} },
        code: 'UNAVAILABLE',
        restore: () => rmSync(path, { force: true }),
      };
    },
  },
  'monitoring.config.save': {
    sample: { environmentId: UNKNOWN_ID, config: null },
    // No connection configured: the monitors start without touching a network.
    success: async (t) => ({
      input: { environmentId: await bareEnvironment(t, 'monitored'), config: {} },
    }),
    failure: async () => ({
      input: { environmentId: UNKNOWN_ID, config: null },
      code: 'NOT_FOUND',
    }),
  },
  'monitoring.alerts.acknowledge': {
    sample: { id: 'alert-1' },
    success: async (t) => ({ input: { id: openAlert(t, await bareEnvironment(t, 'alerting-1')) } }),
    failure: async () => ({ input: { id: 'no-such-alert' }, code: 'NOT_FOUND' }),
  },
  'monitoring.alerts.resolve': {
    sample: { id: 'alert-1' },
    success: async (t) => ({ input: { id: openAlert(t, await bareEnvironment(t, 'alerting-2')) } }),
    failure: async () => ({ input: { id: 'no-such-alert' }, code: 'NOT_FOUND' }),
  },
  ...deadLetterMutationScenarios,
  ...kafkaGroupMutationScenarios,
};
