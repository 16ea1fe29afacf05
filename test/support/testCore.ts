/**
 * The one way tests and benchmarks build a Sluice core: through createCore,
 * the entry Electron and browser mode use, with a test Host in a temp data
 * directory. What a test varies goes through the Host or CoreOptions seams
 * (operator, secret store, Kafka group admin, monitoring timings), never by
 * wiring services again, so a change to app.ts's wiring reaches every test.
 *
 * No vitest import: the benchmarks (run by tsx) and the crash tests' child
 * processes use it too.
 */
import { join } from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../src-main/core/app';
import type { AuditRow } from '../../src-main/core/audit/record';
import type { Host, OperatorIdentity } from '../../src-main/core/host';
import {
  createEncryptedSecretStore,
  createFileSecretStore,
  type SecretCipher,
} from '../../src-main/core/secrets';
import {
  SluiceError,
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type EventName,
} from '@shared/contract';
import { silentLogger } from '@shared/log/logger';
import { makeTempDir } from './tempDir';

/**
 * Linux without a keyring: safeStorage's basic_text backend. Saving a password
 * needs the operator's consent, which gives environments.save a real denial.
 */
export const BASIC_TEXT_CIPHER: SecretCipher = {
  backend: 'electron-safeStorage:basic_text',
  encrypted: false,
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (data) => Buffer.from(data).reverse().toString('utf8'),
};

export const DEFAULT_TEST_OPERATOR: OperatorIdentity = { osUser: 'tester', hostName: 'test-host' };

export interface TestCoreOptions {
  /** Reopen this data directory (a crash test's restart); cleanup leaves it in place. */
  dir?: string;
  operator?: OperatorIdentity;
  /**
   * 'file': browser mode's secrets file (no consent needed); 'basic-text':
   * Electron on Linux without a keyring (consent needed). Default 'file'.
   */
  secrets?: 'file' | 'basic-text';
  /** Electron's save dialog; absent (browser mode) unless given. */
  chooseSavePath?: Host['chooseSavePath'];
  kafkaGroupAdmin?: CoreOptions['kafkaGroupAdmin'];
  monitoringTimings?: CoreOptions['monitoringTimings'];
  /** Keep the list of events (default); a soak measuring heap growth turns it off. */
  recordEvents?: boolean;
}

export interface RecordedEvent {
  event: EventName;
  payload: unknown;
  at: number;
}

export interface TestCore {
  core: Core;
  dir: string;
  host: Host;
  /** Calls a channel as a transport would; throws the typed error a failure carries. */
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** The error a call fails with (throws if it succeeds). */
  failure(channel: ChannelName, input: unknown): Promise<SluiceError>;
  /** Every event emitted, in order, but the dead-letter index's progress (one per batch). */
  events: RecordedEvent[];
  /** Every host notification, in order. */
  notifications: { title: string; body: string }[];
  /** Every audit record, oldest first. */
  records(): AuditRow[];
  /** Closes the core; the data directory stays (to reopen it). */
  close(): Promise<void>;
  /** Closes the core and removes the data directory it made. */
  cleanup(): Promise<void>;
}

export function testHost(
  dataDir: string,
  options: Pick<TestCoreOptions, 'operator' | 'secrets' | 'chooseSavePath'> = {},
  notifications: TestCore['notifications'] = [],
): Host {
  const operator = options.operator ?? DEFAULT_TEST_OPERATOR;
  return {
    mode: 'browser',
    dataDir,
    appVersion: '0.0.0-test',
    secrets:
      options.secrets === 'basic-text'
        ? createEncryptedSecretStore(join(dataDir, 'secrets.bin'), BASIC_TEXT_CIPHER)
        : createFileSecretStore(join(dataDir, 'secrets.json')),
    logger: silentLogger,
    operator: () => operator,
    notify: (title, body) => notifications.push({ title, body }),
    ...(options.chooseSavePath ? { chooseSavePath: options.chooseSavePath } : {}),
  };
}

/** A real core (store, audit, dispatcher, every service) in a temp dir, or in `options.dir`. */
export async function startTestCore(options: TestCoreOptions = {}): Promise<TestCore> {
  const temp = options.dir ? null : makeTempDir('sluice-core-');
  const dir = options.dir ?? temp!.dir;
  const notifications: TestCore['notifications'] = [];
  const host = testHost(dir, options, notifications);
  // No default runbooks: the store starts empty.
  const core = await createCore(host, {
    resourcesDir: join(dir, 'no-resources'),
    ...(options.kafkaGroupAdmin ? { kafkaGroupAdmin: options.kafkaGroupAdmin } : {}),
    ...(options.monitoringTimings ? { monitoringTimings: options.monitoringTimings } : {}),
  });
  const events: RecordedEvent[] = [];
  if (options.recordEvents !== false) {
    core.events.onAny((event, payload) => {
      if (event !== 'deadletters.index') events.push({ event, payload, at: Date.now() });
    });
  }
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await core.close();
  };
  return {
    core,
    dir,
    host,
    events,
    notifications,
    async call(channel, input) {
      const result = await core.dispatch(channel, input, { transport: 'internal' });
      if (!result.ok) throw SluiceError.fromData(result.error);
      return result.value as never;
    },
    async failure(channel, input) {
      const result = await core.dispatch(channel, input, { transport: 'internal' });
      if (result.ok) throw new Error(`${channel} succeeded but was expected to fail`);
      return SluiceError.fromData(result.error);
    },
    records: () => core.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[],
    close,
    async cleanup() {
      await close();
      temp?.cleanup();
    },
  };
}

/** Saves an environment through the channel and returns its id. */
export async function createEnvironment(
  t: Pick<TestCore, 'call'>,
  config: {
    name?: string;
    redisUrl?: string | null;
    postgresUrl?: string | null;
    brokers?: string[] | null;
    readOnly?: boolean;
    production?: boolean;
  },
): Promise<string> {
  const view = await t.call('environments.save', {
    environment: {
      name: config.name ?? 'dl-test',
      colour: '#336699',
      readOnly: config.readOnly ?? false,
      production: config.production ?? false,
      redisUrl: config.redisUrl ?? null,
      postgresUrl: config.postgresUrl ?? null,
      kafka: config.brokers ? { brokers: config.brokers } : null,
    },
  });
  return view.id;
}
