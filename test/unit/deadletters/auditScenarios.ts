/**
 * Audit scenarios for the dead-letter channels, for test/unit/audit's
 * "every mutating channel is audited" suite. They run without servers: the
 * entries live in the local index of a Kafka source (Kafka records are
 * resolved in Sluice's store), so edits, discards and replay planning need no
 * network; a replay job started here pauses because no broker answers.
 */
import type { ChannelName } from '@shared/contract';
import type { TestCore } from '../audit/coreHarness';
import type { MutationScenario } from '../audit/mutationScenario';

const UNKNOWN_ID = '7f1e5b43-7a55-4a55-9e0c-3a4a1c1f0d66';

async function call(t: TestCore, channel: ChannelName, input: unknown): Promise<unknown> {
  const result = await t.core.dispatch(channel, input, { transport: 'internal' });
  if (!result.ok) throw new Error(`${channel} failed while preparing: ${result.error.message}`);
  return result.value;
}

let counter = 0;

/** An environment (read-only when asked) with a Kafka dead-letter source holding one record. */
async function kafkaSource(
  t: TestCore,
  readOnly = false,
): Promise<{ environmentId: string; sourceId: string; key: string }> {
  counter += 1;
  const environment = (await call(t, 'environments.save', {
    environment: {
      name: `dead-letters-${counter}`,
      colour: '#224466',
      readOnly,
      // Nothing listens here: nothing in these scenarios needs the broker.
      kafka: { brokers: ['127.0.0.1:1'] },
    },
  })) as { id: string };
  const source = (await call(t, 'deadletters.sources.save', {
    environmentId: environment.id,
    source: { name: 'sync dlq', settings: { kind: 'kafka', topic: 'job-es-sync.dlq' } },
  })) as { id: string };
  const value = Buffer.from('{"id":"doc-1"}');
  const entry = t.core.db
    .prepare(
      `INSERT INTO dl_entries (source_id, pos, hash, partition, "offset", record_ts, error_class,
         reason, origin, size)
       VALUES (?, 1, x'00', 0, 5, 0, 'MappingException', 'bad field', 'job-es-sync/0@5', ?)`,
    )
    .run(source.id, value.length);
  t.core.db
    .prepare('INSERT INTO dl_entry_bytes (id, raw, headers_json) VALUES (?, ?, ?)')
    .run(
      entry.lastInsertRowid,
      value,
      JSON.stringify([['__connect.errors.topic', Buffer.from('job-es-sync').toString('base64')]]),
    );
  return { environmentId: environment.id, sourceId: source.id, key: '0:5' };
}

async function replayJob(t: TestCore): Promise<{ jobId: string; environmentId: string }> {
  const { environmentId, sourceId, key } = await kafkaSource(t);
  const job = (await call(t, 'deadletters.replay', {
    sourceId,
    selection: { kind: 'keys', keys: [key] },
  })) as { id: string };
  return { jobId: job.id, environmentId };
}

async function makeReadOnly(t: TestCore, environmentId: string): Promise<void> {
  const view = (await call(t, 'environments.get', { id: environmentId })) as Record<
    string,
    unknown
  >;
  await call(t, 'environments.save', {
    environment: {
      id: environmentId,
      name: view.name,
      colour: view.colour,
      readOnly: true,
      kafka: { brokers: ['127.0.0.1:1'] },
    },
  });
}

const keysOf = (key: string) => ({ kind: 'keys', keys: [key] });

export const deadLetterMutationScenarios: Record<string, MutationScenario> = {
  'deadletters.sources.save': {
    sample: {
      environmentId: UNKNOWN_ID,
      source: { name: 's', settings: { kind: 'kafka', topic: 't' } },
    },
    success: async (t) => {
      const { environmentId } = await kafkaSource(t);
      return {
        input: {
          environmentId,
          source: { name: 'writes', settings: { kind: 'redis', key: 'write_queue:dead' } },
        },
      };
    },
    failure: async () => ({
      input: {
        environmentId: UNKNOWN_ID,
        source: { name: 'writes', settings: { kind: 'redis', key: 'write_queue:dead' } },
      },
      code: 'NOT_FOUND',
    }),
  },
  'deadletters.sources.remove': {
    sample: { sourceId: UNKNOWN_ID },
    success: async (t) => ({ input: { sourceId: (await kafkaSource(t)).sourceId } }),
    failure: async () => ({ input: { sourceId: UNKNOWN_ID }, code: 'NOT_FOUND' }),
  },
  'deadletters.saveEdit': {
    sample: { sourceId: UNKNOWN_ID, key: '0:1', text: '{}' },
    success: async (t) => {
      const { sourceId, key } = await kafkaSource(t);
      return { input: { sourceId, key, text: '{"id": "doc-1", "fixed": true}' } };
    },
    // Malformed JSON is refused with its line and column.
    failure: async (t) => {
      const { sourceId, key } = await kafkaSource(t);
      return {
        input: { sourceId, key, text: '{"id": "doc-1",\n  "fixed": tru }' },
        code: 'INVALID_INPUT',
      };
    },
    denial: async (t) => {
      const { sourceId, key } = await kafkaSource(t, true);
      return { input: { sourceId, key, text: '{"id": "doc-1"}' } };
    },
  },
  'deadletters.revertEdit': {
    sample: { sourceId: UNKNOWN_ID, key: '0:1' },
    success: async (t) => {
      const { sourceId, key } = await kafkaSource(t);
      await call(t, 'deadletters.saveEdit', { sourceId, key, text: '{"id": "doc-1"}' });
      return { input: { sourceId, key } };
    },
    failure: async (t) => ({
      input: { sourceId: (await kafkaSource(t)).sourceId, key: '9:999' },
      code: 'NOT_FOUND',
    }),
    denial: async (t) => {
      const { sourceId, key } = await kafkaSource(t, true);
      return { input: { sourceId, key } };
    },
  },
  'deadletters.replay': {
    sample: { sourceId: UNKNOWN_ID, selection: keysOf('0:1') },
    success: async (t) => {
      const { sourceId, key } = await kafkaSource(t);
      return { input: { sourceId, selection: keysOf(key) } };
    },
    failure: async () => ({
      input: { sourceId: UNKNOWN_ID, selection: keysOf('0:1') },
      code: 'NOT_FOUND',
    }),
    denial: async (t) => {
      const { sourceId, key } = await kafkaSource(t, true);
      return { input: { sourceId, selection: keysOf(key) } };
    },
  },
  'deadletters.jobs.pause': {
    sample: { jobId: UNKNOWN_ID },
    success: async (t) => ({ input: { jobId: (await replayJob(t)).jobId } }),
    failure: async () => ({ input: { jobId: UNKNOWN_ID }, code: 'NOT_FOUND' }),
    denial: async (t) => {
      const { jobId, environmentId } = await replayJob(t);
      await makeReadOnly(t, environmentId);
      return { input: { jobId } };
    },
  },
  'deadletters.jobs.resume': {
    sample: { jobId: UNKNOWN_ID },
    success: async (t) => {
      const { jobId } = await replayJob(t);
      await call(t, 'deadletters.jobs.pause', { jobId });
      return { input: { jobId } };
    },
    failure: async () => ({ input: { jobId: UNKNOWN_ID }, code: 'NOT_FOUND' }),
    denial: async (t) => {
      const { jobId, environmentId } = await replayJob(t);
      await makeReadOnly(t, environmentId);
      return { input: { jobId } };
    },
  },
  'deadletters.jobs.cancel': {
    sample: { jobId: UNKNOWN_ID },
    success: async (t) => ({ input: { jobId: (await replayJob(t)).jobId } }),
    failure: async () => ({ input: { jobId: UNKNOWN_ID }, code: 'NOT_FOUND' }),
    denial: async (t) => {
      const { jobId, environmentId } = await replayJob(t);
      await makeReadOnly(t, environmentId);
      return { input: { jobId } };
    },
  },
  'deadletters.discard': {
    sample: { sourceId: UNKNOWN_ID, selection: keysOf('0:1'), reason: 'duplicate' },
    success: async (t) => {
      const { sourceId, key } = await kafkaSource(t);
      return { input: { sourceId, selection: keysOf(key), reason: 'duplicate of doc-1' } };
    },
    failure: async () => ({
      input: { sourceId: UNKNOWN_ID, selection: keysOf('0:1'), reason: 'duplicate' },
      code: 'NOT_FOUND',
    }),
    denial: async (t) => {
      const { sourceId, key } = await kafkaSource(t, true);
      return { input: { sourceId, selection: keysOf(key), reason: 'duplicate' } };
    },
  },
};
