import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName } from '@shared/contract';
import { startTestCore, type TestCore } from '../audit/coreHarness';

let t: TestCore;

beforeAll(async () => {
  t = await startTestCore();
});

afterAll(async () => {
  await t.cleanup();
});

async function call(channel: ChannelName, input: unknown) {
  return t.core.dispatch(channel, input, { transport: 'internal' });
}

async function environment(name: string, flags: { production?: boolean; readOnly?: boolean }) {
  const saved = await call('environments.save', {
    environment: { name, colour: '#123456', kafka: { brokers: ['127.0.0.1:1'] }, ...flags },
  });
  if (!saved.ok) throw new Error(saved.error.message);
  return (saved.value as { id: string }).id;
}

const member = {
  memberId: 'indexer-1-4f2a',
  clientId: 'indexer-1',
  host: '10.0.0.7',
  assignment: [{ topic: 'jobs', partitions: [0, 1] }],
};

describe('offset reset through the dispatcher (in-memory cluster)', () => {
  it('the preview shows current, new offset and lag per partition, and changes nothing', async () => {
    const environmentId = await environment('preview-env', {});
    t.kafka
      .topic('jobs', [
        { low: 0, high: 20 },
        { low: 0, high: 30 },
      ])
      .group('g-preview', { jobs: [12, 30] });
    const commits = t.kafka.commits;
    const preview = await call('kafka.offsets.previewReset', {
      environmentId,
      groupId: 'g-preview',
      topic: 'jobs',
      target: { kind: 'shift', by: 1 },
    });
    expect(preview).toMatchObject({
      ok: true,
      value: {
        state: 'Empty',
        refusal: null,
        confirmationRequired: false,
        rows: [
          { partition: 0, current: 12, next: 13, lagBefore: 8, lagAfter: 7, clamped: false },
          { partition: 1, current: 30, next: 30, lagBefore: 0, lagAfter: 0, clamped: true },
        ],
      },
    });
    expect(t.kafka.commits).toBe(commits);
    expect(t.kafka.groups.get('g-preview')!.committed.get('jobs')!.get(0)).toBe(12);
  });

  it('a group with members is refused, naming them; nothing is committed', async () => {
    const environmentId = await environment('members-env', {});
    t.kafka.topic('jobs', [{ low: 0, high: 20 }]).group('g-busy', { jobs: [3] }, [member]);
    const input = { environmentId, groupId: 'g-busy', topic: 'jobs', target: { kind: 'latest' } };
    const preview = await call('kafka.offsets.previewReset', input);
    expect(preview.ok && (preview.value as { refusal: string | null }).refusal).toMatch(
      /group "g-busy" has 1 member \(indexer-1 on 10\.0\.0\.7\): Kafka accepts new offsets only while no consumer is in the group/,
    );
    const before = t.kafka.commits;
    const applied = await call('kafka.offsets.reset', input);
    expect(applied).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(t.kafka.commits).toBe(before);
  });

  it('read-only refuses; production needs the typed name; the record holds before and after', async () => {
    const readOnly = await environment('ro-env', { readOnly: true });
    t.kafka.topic('jobs', [{ low: 0, high: 20 }]).group('g-stopped', { jobs: [5] });
    const base = { groupId: 'g-stopped', topic: 'jobs', target: { kind: 'shift', by: 1 } };
    const refused = await call('kafka.offsets.reset', { ...base, environmentId: readOnly });
    expect(refused).toMatchObject({ ok: false, error: { code: 'DENIED' } });
    expect(!refused.ok && refused.error.message).toMatch(/read-only/);

    const production = await environment('prod-env', { production: true });
    const untyped = await call('kafka.offsets.reset', { ...base, environmentId: production });
    expect(!untyped.ok && untyped.error.message).toMatch(/type the environment's name/);
    const wrong = await call('kafka.offsets.reset', {
      ...base,
      environmentId: production,
      confirmName: 'prod',
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'DENIED' } });
    expect(t.kafka.groups.get('g-stopped')!.committed.get('jobs')!.get(0)).toBe(5);

    const done = await call('kafka.offsets.reset', {
      ...base,
      environmentId: production,
      confirmName: 'prod-env',
    });
    expect(done).toMatchObject({
      ok: true,
      value: { rows: [{ topic: 'jobs', partition: 0, before: 5, after: 6 }] },
    });
    const record = t.records().at(-1)!;
    expect(record).toMatchObject({ action: 'kafka.offsets.reset', result: 'ok' });
    expect(JSON.parse(String(record.before_json))).toMatchObject({
      offsets: [{ topic: 'jobs', partition: 0, offset: 5 }],
    });
    expect(JSON.parse(String(record.after_json))).toMatchObject({
      offsets: [{ topic: 'jobs', partition: 0, offset: 6 }],
    });
  });

  it('a partition the topic does not have is named', async () => {
    const environmentId = await environment('partition-env', {});
    t.kafka.topic('jobs', [{ low: 0, high: 20 }]).group('g-part', { jobs: [5] });
    const result = await call('kafka.offsets.previewReset', {
      environmentId,
      groupId: 'g-part',
      topic: 'jobs',
      partitions: [0, 4],
      target: { kind: 'earliest' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!result.ok && result.error.message).toBe(
      'topic "jobs" has no partition 4 (it has 1, numbered from 0)',
    );
  });
});
