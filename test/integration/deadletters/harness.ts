import { join } from 'node:path';
import { createCore, type Core } from '../../../src-main/core/app';
import type { Host } from '../../../src-main/core/host';
import { silentLogger } from '@shared/log/logger';
import { createFileSecretStore } from '../../../src-main/core/secrets';
import type {
  ChannelInput,
  ChannelName,
  ChannelOutput,
  EventName,
  ReplayJob,
} from '@shared/contract';
import { SluiceError } from '@shared/contract';
import { makeTempDir } from '../../support/tempDir';

export const OPERATOR = { osUser: 'dl-tester', hostName: 'test-host' };

export interface TestCore {
  core: Core;
  dir: string;
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** The error a call fails with (throws if it succeeds). */
  failure(channel: ChannelName, input: unknown): Promise<SluiceError>;
  events: { event: EventName; payload: unknown }[];
  close(): Promise<void>;
  cleanup(): Promise<void>;
}

export function testHost(dataDir: string): Host {
  return {
    mode: 'browser',
    dataDir,
    appVersion: '0.0.0-test',
    secrets: createFileSecretStore(join(dataDir, 'secrets.json')),
    logger: silentLogger,
    operator: () => OPERATOR,
    notify: () => undefined,
  };
}

/** A real core (store, audit, dispatcher) in a temp dir, or in `dir` to reopen one. */
export async function startCore(dir?: string): Promise<TestCore> {
  const temp = dir ? null : makeTempDir('sluice-dl-');
  const dataDir = dir ?? temp!.dir;
  const core = await createCore(testHost(dataDir), { resourcesDir: join(dataDir, 'none') });
  const events: { event: EventName; payload: unknown }[] = [];
  core.events.onAny((event, payload) => {
    if (event !== 'deadletters.index') events.push({ event, payload });
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await core.close();
  };
  return {
    core,
    dir: dataDir,
    events,
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
    close,
    async cleanup() {
      await close();
      temp?.cleanup();
    },
  };
}

export async function waitForJob(
  t: Pick<TestCore, 'call'>,
  jobId: string,
  done: (job: ReplayJob) => boolean,
  timeoutMs = 60_000,
): Promise<ReplayJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await t.call('deadletters.jobs.get', { jobId });
    if (done(job)) return job;
    if (Date.now() > deadline) {
      throw new Error(`job ${jobId} did not get there in ${timeoutMs} ms: ${JSON.stringify(job)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const finished = (job: ReplayJob): boolean =>
  job.status === 'COMPLETED' || job.status === 'CANCELLED' || job.status === 'FAILED';

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
