import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_DLQ_TOPIC, SYNC_GROUP, SYNC_TOPIC } from '../../../sandbox/common/names';
import { startSandbox } from '../../../sandbox/pipeline';
import type { Sandbox } from '../../../sandbox/pipeline';
import { countSyncGap } from '../../../sandbox/schema/syncGap';
import { BackupPoller } from '../../../sandbox/sync/backupPoller';
import { groupLag } from '../../../sandbox/sync/lag';
import { http, postWrite, waitFor } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    syncMaxWaitMs: 100,
    syncMaxAttempts: 2,
    syncSessionTimeoutMs: 6000,
    syncRetryBaseMs: 50,
    // The backup poller stays out of the way here; its own test calls poll() directly.
    pollerThresholdMs: 10 * 60_000,
  });
  await sandbox.consumer.ready();
});

afterAll(async () => {
  await sandbox?.stop();
});

async function writeMany(prefix: string, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      postWrite(sandbox.writer.url, `${prefix}-${i}`, { title: `${prefix} ${i}`, price: i }),
    ),
  );
}

async function gapAndLag(): Promise<{ gap: number; lag: number; outbox: number; queue: number }> {
  const [gap, lag, outbox, stats] = await Promise.all([
    countSyncGap(sandbox.pool),
    groupLag(sandbox.admin, SYNC_GROUP, SYNC_TOPIC),
    sandbox.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox'),
    sandbox.writer.stats(),
  ]);
  return {
    gap,
    lag: lag.total,
    outbox: Number(outbox.rows[0]!.n),
    queue: stats.queue_depth + stats.processing_depth,
  };
}

/** Every message of `topic` up to its current end, read by a throwaway group. */
async function readTopic(topic: string): Promise<{ partition: number; message: KafkaMessage }[]> {
  const ends = await sandbox.admin.fetchTopicOffsets(topic);
  const expected = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const consumer = sandbox.kafka.consumer({
    groupId: `reader-${topic}-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  const seen: { partition: number; message: KafkaMessage }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({ partition, message });
      },
    });
    await waitFor(
      `${expected} messages from ${topic}`,
      async () => seen.length,
      (n) => n >= expected,
      30_000,
    );
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe('sync path', () => {
  it('pausing the sync consumer grows the sync gap and the group lag; resuming drains both to zero', async () => {
    await writeMany('lag-warm', 30);
    await waitFor(
      'the warm-up writes to sync',
      gapAndLag,
      (s) => s.gap === 0 && s.lag === 0 && s.queue === 0,
    );

    const paused = await http('POST', `${sandbox.control.url}/control/sync/pause`);
    expect(paused).toEqual({ status: 200, body: { sync: { paused: true } } });

    await writeMany('lag-a', 100);
    const first = await waitFor(
      'the first writes to reach Kafka',
      gapAndLag,
      (s) => s.queue === 0 && s.outbox === 0 && s.lag >= 100,
    );
    expect(first.gap).toBe(100);

    await writeMany('lag-b', 100);
    const second = await waitFor(
      'the second writes to reach Kafka',
      gapAndLag,
      (s) => s.queue === 0 && s.outbox === 0 && s.lag >= 200,
    );
    expect(second.gap).toBe(200);
    expect(second.lag).toBeGreaterThan(first.lag);
    const lagByPartition = await groupLag(sandbox.admin, SYNC_GROUP, SYNC_TOPIC);
    expect(lagByPartition.partitions.filter((p) => p.lag > 0).length).toBeGreaterThan(1);

    const resumed = await http('POST', `${sandbox.control.url}/control/sync/resume`);
    expect(resumed).toEqual({ status: 200, body: { sync: { paused: false } } });
    await waitFor('gap and lag to drain', gapAndLag, (s) => s.gap === 0 && s.lag === 0, 60_000);
    const indexed = await sandbox.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM search_index WHERE id LIKE 'lag-%'",
    );
    expect(Number(indexed.rows[0]!.n)).toBe(230);
  });

  it('sends documents the index keeps rejecting to job-es-sync.dlq with Kafka Connect headers', async () => {
    const poison = {
      'poison-price': { title: 'bad price', price: 'twelve' },
      'poison-tags': { title: 'bad tags', tags: 'not-a-list' },
    };
    for (const [key, value] of Object.entries(poison)) {
      expect((await postWrite(sandbox.writer.url, key, value)).status).toBe(202);
    }
    await writeMany('clean', 5);
    await waitFor(
      'two messages in the DLQ',
      async () => (await sandbox.admin.fetchTopicOffsets(SYNC_DLQ_TOPIC))[0]!.high,
      (high) => Number(high) >= 2,
    );
    const dead = await readTopic(SYNC_DLQ_TOPIC);
    expect(dead).toHaveLength(2);
    const source = await readTopic(SYNC_TOPIC);

    for (const { message } of dead) {
      const key = message.key!.toString('utf8');
      expect(Object.keys(poison)).toContain(key);
      const header = (name: string): string | undefined =>
        message.headers?.[`__connect.errors.${name}`]?.toString();
      expect(header('topic')).toBe(SYNC_TOPIC);
      expect(header('exception.class.name')).toBe('DocumentRejectedError');
      expect(header('exception.message')).toMatch(
        key === 'poison-price'
          ? /document poison-price rejected by the index: invalid input syntax for type numeric: "twelve"/
          : /document poison-tags rejected by the index: cannot extract elements from a scalar/,
      );
      expect(header('exception.stacktrace')).toMatch(/^DocumentRejectedError: .*\n\s+at /);
      expect(header('connector.name')).toBe('es-sync');
      expect(header('stage')).toBe('TASK_PUT');
      // partition and offset point at the original event, whose key and value are kept.
      const partition = Number(header('partition'));
      const offset = header('offset');
      const original = source.find((s) => s.partition === partition && s.message.offset === offset);
      expect(original, `original at ${partition}/${offset}`).toBeDefined();
      expect(original!.message.key!.toString()).toBe(key);
      expect(message.value!.equals(original!.message.value!)).toBe(true);
      expect(JSON.parse(message.value!.toString())).toMatchObject({ id: key, source: 'outbox' });
    }

    // The worker stored them; the index never got them; clean documents were indexed.
    const rows = await sandbox.pool.query<{ id: string; indexed: boolean; dead: boolean }>(
      `SELECT id, indexed, sync_dead_at IS NOT NULL AS dead FROM documents
        WHERE id IN ('poison-price', 'poison-tags') ORDER BY id`,
    );
    expect(rows.rows).toEqual([
      { id: 'poison-price', indexed: false, dead: true },
      { id: 'poison-tags', indexed: false, dead: true },
    ]);
    expect(await sandbox.indexer.get('poison-price')).toBeNull();
    await waitFor(
      'clean documents to be indexed',
      () => sandbox.indexer.get('clean-4'),
      (d) => d !== null,
    );
  });

  it('the backup poller re-publishes a row whose event was lost, and skips dead-lettered versions', async () => {
    // A row committed without an outbox row, as if its event had been lost.
    await sandbox.pool.query(
      `INSERT INTO documents (id, body, updated_at) VALUES ('lost-1', '{"title": "lost"}', now() - interval '5 minutes')`,
    );
    const poller = new BackupPoller({
      pool: sandbox.pool,
      publisher: sandbox.publisher,
      thresholdMs: 1000,
    });
    const republished = await poller.poll();
    // lost-1 only: the poison documents were dead-lettered at their current version.
    expect(republished).toBe(1);
    await waitFor(
      'lost-1 to be indexed',
      () => sandbox.indexer.get('lost-1'),
      (doc) => doc !== null,
    );
    expect(await poller.poll()).toBe(0);
  });

  it('an outbox row whose send fails stays until Kafka is back, then drains', async () => {
    await sandbox.kafkaCluster.brokerDown(-1);
    let brokerUp = false;
    try {
      await postWrite(sandbox.writer.url, 'offline-1', { title: 'written while Kafka is down' });
      await waitFor(
        'offline-1 committed with its outbox row',
        async () =>
          (await sandbox.pool.query("SELECT 1 FROM outbox WHERE document_id = 'offline-1'"))
            .rowCount,
        (n) => n === 1,
      );
      // Long enough for sends to be tried and to fail.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(sandbox.drainer.counters.failedSends).toBeGreaterThan(0);
      expect(
        (await sandbox.pool.query("SELECT 1 FROM outbox WHERE document_id = 'offline-1'")).rowCount,
      ).toBe(1);
      await sandbox.kafkaCluster.brokerUp(-1);
      brokerUp = true;
      await waitFor(
        'offline-1 to be indexed',
        () => sandbox.indexer.get('offline-1'),
        (d) => d !== null,
        60_000,
      );
      expect((await sandbox.pool.query('SELECT 1 FROM outbox')).rowCount).toBe(0);
    } finally {
      if (!brokerUp) await sandbox.kafkaCluster.brokerUp(-1);
    }
  });
});
