import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { explainMetadataError } from '../../../src-main/core/kafkaGroups/groupAdmin';
import { KAFKA_CATALOG_LIMIT, type KafkaCatalog } from '@shared/contract';
import { startTestCore, type TestCore } from '../audit/coreHarness';

let t: TestCore;

beforeEach(async () => {
  t = await startTestCore();
});

afterEach(async () => {
  vi.useRealTimers();
  await t.cleanup();
});

async function environment(kafka = true): Promise<string> {
  const saved = await t.core.dispatch(
    'environments.save',
    {
      environment: {
        name: kafka ? 'catalog-env' : 'no-kafka-env',
        colour: '#123456',
        ...(kafka ? { kafka: { brokers: ['127.0.0.1:1'] } } : {}),
      },
    },
    { transport: 'internal' },
  );
  if (!saved.ok) throw new Error(saved.error.message);
  return (saved.value as { id: string }).id;
}

async function catalog(environmentId: string) {
  return t.core.dispatch('kafka.catalog', { environmentId }, { transport: 'internal' });
}

async function listed(environmentId: string): Promise<KafkaCatalog> {
  const result = await catalog(environmentId);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as KafkaCatalog;
}

describe('kafka.catalog (in-memory cluster)', () => {
  it('lists topics with partitions and records, internal ones marked and last, and groups with their protocol type', async () => {
    const environmentId = await environment();
    t.kafka
      .topic('orders', [
        { low: 0, high: 10 },
        { low: 5, high: 20 },
        { low: 0, high: 0 },
      ])
      .topic('__consumer_offsets', [{ low: 0, high: 4 }])
      .topic('audit', [{ low: 100, high: 130 }])
      .group('indexer', { orders: [10, 20, 0] })
      .listedGroup('connect-cluster', 'connect');
    t.kafka.internal.add('__consumer_offsets');

    const result = await listed(environmentId);
    expect(result.topics).toEqual([
      { name: 'audit', partitions: 1, records: 30, internal: false },
      { name: 'orders', partitions: 3, records: 25, internal: false },
      { name: '__consumer_offsets', partitions: 1, records: 4, internal: true },
    ]);
    expect(result.groups).toEqual([
      { groupId: 'connect-cluster', protocolType: 'connect' },
      { groupId: 'indexer', protocolType: 'consumer' },
    ]);
    expect(result.totals).toEqual({ topics: 3, groups: 2 });
    expect(result.truncated).toEqual({ topics: false, groups: false });
    expect(Number.isNaN(Date.parse(result.listedAt))).toBe(false);
    // Sizes of all topics in one batched call, not one per topic.
    expect(t.kafka.sizeCalls).toEqual([['audit', 'orders', '__consumer_offsets']]);
  });

  it(`cuts each list at ${KAFKA_CATALOG_LIMIT.toLocaleString('en')} and says so; sizes are asked only for the topics listed`, async () => {
    const environmentId = await environment();
    const count = KAFKA_CATALOG_LIMIT + 1;
    for (let i = 0; i < count; i += 1) {
      t.kafka.topic(`t-${String(i).padStart(5, '0')}`, [{ low: 0, high: 1 }]);
      t.kafka.listedGroup(`g-${String(i).padStart(5, '0')}`);
    }
    t.kafka.topic('__transaction_state', [{ low: 0, high: 0 }]);
    t.kafka.internal.add('__transaction_state');

    const result = await listed(environmentId);
    expect(result.topics).toHaveLength(KAFKA_CATALOG_LIMIT);
    expect(result.groups).toHaveLength(KAFKA_CATALOG_LIMIT);
    expect(result.totals).toEqual({ topics: count + 1, groups: count });
    expect(result.truncated).toEqual({ topics: true, groups: true });
    // User topics keep their places; Kafka's own are what is cut first.
    expect(result.topics.some((topic) => topic.internal)).toBe(false);
    expect(result.topics.at(-1)!.name).toBe('t-04999');
    expect(t.kafka.sizeCalls).toHaveLength(1);
    expect(t.kafka.sizeCalls[0]).toHaveLength(KAFKA_CATALOG_LIMIT);
  });

  it('a topic with a partition without a leader has no record count rather than a short one', async () => {
    const environmentId = await environment();
    t.kafka.topic('half-down', [
      { low: 0, high: 7 },
      { low: 0, high: 9 },
    ]);
    t.kafka.leaderless.add('half-down');
    const result = await listed(environmentId);
    expect(result.topics).toEqual([
      { name: 'half-down', partitions: 2, records: null, internal: false },
    ]);
  });

  it('an ACL refusal and a broker that is down come back in words, with their codes', async () => {
    const environmentId = await environment();
    t.kafka.catalogFailure = Object.assign(new Error('Not authorized'), {
      type: 'CLUSTER_AUTHORIZATION_FAILED',
    });
    const denied = await catalog(environmentId);
    expect(denied).toMatchObject({ ok: false, error: { code: 'DENIED' } });
    expect(!denied.ok && denied.error.message).toBe(
      'the broker refused listing the topics and groups of "catalog-env": this client is not ' +
        'authorised on the cluster (CLUSTER_AUTHORIZATION_FAILED)',
    );

    t.kafka.catalogFailure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    const down = await catalog(environmentId);
    expect(down).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(!down.ok && down.error.message).toMatch(
      /^listing the topics and groups of "catalog-env": .*127\.0\.0\.1:1/,
    );
  });

  it('an environment without Kafka is told so', async () => {
    const environmentId = await environment(false);
    const result = await catalog(environmentId);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!result.ok && result.error.message).toMatch(/^environment "no-kafka-env": /);
  });

  it('a cluster that never answers ends in TIMEOUT after 20 s, not in a hang', async () => {
    const environmentId = await environment();
    t.kafka.catalogStalls = true;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pending = catalog(environmentId);
    let settled = false;
    void pending.then(() => (settled = true));
    await vi.waitFor(() => expect(t.kafka.topicListings).toBe(1), { interval: 1 });
    await vi.advanceTimersByTimeAsync(19_000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    const result = await pending;
    expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(!result.ok && result.error.message).toBe(
      'listing the topics and groups of "catalog-env": the cluster did not answer within 20 s',
    );
  });
});

describe('metadata errors in words', () => {
  const kafkajs = createRequire(import.meta.url)('kafkajs') as {
    KafkaJSProtocolError: new (e: { message: string; type: string; code: number }) => Error;
    KafkaJSNumberOfRetriesExceeded: new (
      e: Error,
      options: { retryCount: number; retryTime: number },
    ) => Error;
  };

  it('a leaderless partition behind kafkajs’s retries says a broker may be down', () => {
    const leaderless = new kafkajs.KafkaJSProtocolError({
      message:
        'There is no leader for this topic-partition as we are in the middle of a leadership election',
      type: 'LEADER_NOT_AVAILABLE',
      code: 5,
    });
    const retried = new kafkajs.KafkaJSNumberOfRetriesExceeded(leaderless, {
      retryCount: 4,
      retryTime: 2000,
    });
    const explained = explainMetadataError(retried);
    expect(explained).toBeInstanceOf(Error);
    expect((explained as Error).message).toBe(
      'a partition has no leader (is a broker down?), and the topic list cannot be read until every partition has one',
    );
    // Other errors go on as they are (the service puts them in words).
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(explainMetadataError(refused)).toBe(refused);
  });
});
