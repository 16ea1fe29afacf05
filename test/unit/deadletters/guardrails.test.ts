import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SluiceError, type ChannelName } from '@shared/contract';
import { startTestCore, type TestCore } from '../audit/coreHarness';

let t: TestCore;

beforeAll(async () => {
  t = await startTestCore();
});

afterAll(async () => {
  await t.cleanup();
});

async function call(channel: ChannelName, input: unknown): Promise<unknown> {
  const result = await t.core.dispatch(channel, input, { transport: 'internal' });
  if (!result.ok) throw SluiceError.fromData(result.error);
  return result.value;
}

async function failure(channel: ChannelName, input: unknown): Promise<SluiceError> {
  const result = await t.core.dispatch(channel, input, { transport: 'internal' });
  if (result.ok) throw new Error(`${channel} succeeded`);
  return SluiceError.fromData(result.error);
}

/** A production environment whose Kafka source holds `count` records in the local index. */
async function productionSource(count: number, threshold: number, name = 'Prod-EU') {
  const environment = (await call('environments.save', {
    environment: {
      name,
      colour: '#aa0000',
      production: true,
      kafka: { brokers: ['127.0.0.1:1'] },
    },
  })) as { id: string };
  const source = (await call('deadletters.sources.save', {
    environmentId: environment.id,
    source: {
      name: 'sync dlq',
      settings: { kind: 'kafka', topic: 'job-es-sync.dlq', defaultTargetTopic: 'job-es-sync' },
      bulkConfirmThreshold: threshold,
    },
  })) as { id: string };
  const keys: string[] = [];
  for (let offset = 0; offset < count; offset += 1) {
    const entry = t.core.db
      .prepare(
        `INSERT INTO dl_entries (source_id, pos, hash, partition, "offset", error_class, size)
         VALUES (?, ?, x'00', 0, ?, 'MappingException', 2)`,
      )
      .run(source.id, offset, offset);
    t.core.db
      .prepare('INSERT INTO dl_entry_bytes (id, raw) VALUES (?, ?)')
      .run(entry.lastInsertRowid, Buffer.from('{}'));
    keys.push(`0:${offset}`);
  }
  return { environmentId: environment.id, sourceId: source.id, keys };
}

describe('guardrails', () => {
  it('a production bulk action above the threshold needs the environment name typed exactly', async () => {
    const { sourceId, keys } = await productionSource(8, 5);
    const selection = { kind: 'keys', keys };

    const dry = (await call('deadletters.dryRun', { sourceId, selection })) as {
      count: number;
      confirmation: { required: boolean; environmentName: string; threshold: number };
    };
    expect(dry.count).toBe(8);
    expect(dry.confirmation).toEqual({ required: true, environmentName: 'Prod-EU', threshold: 5 });

    const missing = await failure('deadletters.replay', { sourceId, selection });
    expect(missing.code).toBe('DENIED');
    expect(missing.details).toMatchObject({
      reason: 'confirmation-required',
      count: 8,
      threshold: 5,
    });
    const wrong = await failure('deadletters.replay', {
      sourceId,
      selection,
      confirmEnvironmentName: 'prod-eu',
    });
    expect(wrong.details).toMatchObject({ reason: 'confirmation-mismatch' });
    const discard = await failure('deadletters.discard', { sourceId, selection, reason: 'noise' });
    expect(discard.code).toBe('DENIED');

    // At or under the threshold no name is needed.
    expect(
      await call('deadletters.discard', {
        sourceId,
        selection: { kind: 'keys', keys: keys.slice(0, 5) },
        reason: 'duplicates of fixed documents',
      }),
    ).toEqual({ discarded: 5, missing: 0 });
    const job = (await call('deadletters.replay', {
      sourceId,
      selection,
      confirmEnvironmentName: 'Prod-EU',
    })) as { id: string; total: number };
    // The 5 discarded are resolved: 3 are planned. The job starts (and waits for a broker).
    expect(job.total).toBe(3);
    await call('deadletters.jobs.cancel', { jobId: job.id });
  });

  it('discard needs a reason', async () => {
    const { sourceId, keys } = await productionSource(1, 5, 'Prod-US');
    const error = await failure('deadletters.discard', {
      sourceId,
      selection: { kind: 'keys', keys },
      reason: '   ',
    });
    expect(error.code).toBe('INVALID_INPUT');
  });
});
