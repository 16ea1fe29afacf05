import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type {
  ConcreteReplayTarget,
  DeadLetterSourceCapabilities,
  DeadLetterSourceSettings,
} from '@shared/contract';
import { OutageError, describeError, isKafkaOutage } from '../faults';
import type { IndexListRow, IndexRow } from '../index/entryIndex';
import { KafkaTopicSync, headersFromJson } from '../index/kafkaSync';
import { readDeadLetterHeaders } from '../kafkaHeaders';
import { isoOrNull } from '../paths';
import { HEADER_MARKS_NOTE } from '../replay/marking';
import type { DiscardOutcome, EntrySnapshot, MoveItem, MoveOutcome } from '../source';
import { IndexedSource, type IndexedSourceDeps } from './indexedSource';
import { groupHeaders, produceRequests, recordBytes } from './kafkaProduce';

type KafkaSettings = Extract<DeadLetterSourceSettings, { kind: 'kafka' }>;

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const SEND_TIMEOUT_MS = 30_000;

export interface KafkaSourceDeps extends IndexedSourceDeps {
  settings: KafkaSettings;
  kafka(): Promise<Kafka>;
}

async function onKafka<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isKafkaOutage(error)) throw new OutageError('Kafka', describeError(error));
    throw error;
  }
}

interface OpenProducer {
  producer: Producer;
  idempotent: boolean;
}

export const IDEMPOTENT_DELIVERY =
  'Records are produced with the idempotent producer and acks from all in-sync replicas, and ' +
  'only then recorded as resolved in Sluice (Kafka records cannot be deleted; resolved ones are ' +
  'hidden unless "show resolved" is on). After a crash, records recorded as sent are not sent ' +
  'again; a record sent but not yet recorded may be sent once more, carrying the same ' +
  'x-sluice-replay-id header so a consumer can drop the duplicate.';

export const ACKS_ALL_DELIVERY =
  'This cluster names no controller broker in its metadata, so the idempotent producer cannot ' +
  'start here; records are produced with acks from all in-sync replicas and one request in ' +
  'flight, then recorded as resolved in Sluice. A retried request or a crash may send a record ' +
  'twice, always with the same x-sluice-replay-id header.';

/**
 * A Kafka dead-letter topic. Records cannot be deleted, so replayed and
 * discarded ones are marked resolved in the local index, which is the
 * authority for that.
 */
export class KafkaTopicSource extends IndexedSource {
  /**
   * Records cannot be deleted: replayed and discarded ones are marked
   * resolved in Sluice and can still be listed. They replay to a topic of the
   * same cluster, with headers the operator may keep, strip or add to.
   */
  static capabilitiesFor(): DeadLetterSourceCapabilities {
    return {
      showsResolved: true,
      discard: 'marks-resolved',
      replayTargets: ['kafka-topic'],
      replayHeaders: true,
    };
  }

  readonly kind = 'kafka' as const;
  readonly capabilities = KafkaTopicSource.capabilitiesFor();
  /** Only a Kafka target is possible, and it carries the marks in headers. */
  readonly redisListMarking = 'json-fields' as const;
  readonly removesByStoredBytes = false;
  protected readonly listOrder = 'desc' as const;
  private opened: Promise<OpenProducer> | null = null;
  private idempotence: boolean | null = null;

  constructor(private readonly kafkaDeps: KafkaSourceDeps) {
    super(kafkaDeps);
  }

  private get settings(): KafkaSettings {
    return this.kafkaDeps.settings;
  }

  async count(): Promise<number> {
    const kafka = await this.kafkaDeps.kafka();
    const admin = kafka.admin();
    try {
      await onKafka(() => admin.connect());
      const offsets = await onKafka(() => admin.fetchTopicOffsets(this.settings.topic));
      let total = 0;
      for (const p of offsets) {
        const low = Number(p.low);
        total += Number(p.high) - low;
        total -= this.deps.index.resolvedFrom(this.deps.sourceId, p.partition, low);
      }
      return Math.max(0, total);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  protected async sync(report: (done: number, total: number | null) => void): Promise<void> {
    const kafka = await this.kafkaDeps.kafka();
    await onKafka(() =>
      new KafkaTopicSync({
        kafka,
        index: this.deps.index,
        sourceId: this.deps.sourceId,
        topic: this.settings.topic,
        onProgress: report,
      }).run(),
    );
  }

  protected keyOf(row: IndexListRow): string {
    return `${row.partition}:${row.offset}`;
  }

  protected rowForKey(key: string): IndexRow | null {
    const record = recordOfKey(key);
    if (!record) return null;
    return this.deps.index.byRecord(this.deps.sourceId, record.partition, record.offset);
  }

  protected snapshotOf(row: IndexRow): EntrySnapshot {
    const headers = headersFromJson(row.headers_json);
    const origin = readDeadLetterHeaders(headers);
    const originalTopic =
      origin.topic !== null && TOPIC.test(origin.topic)
        ? origin.topic
        : this.settings.defaultTargetTopic;
    const metadata = [
      { name: 'topic', value: this.settings.topic },
      { name: 'partition', value: String(row.partition) },
      { name: 'offset', value: String(row.offset) },
    ];
    const timestamp = isoOrNull(row.record_ts);
    if (timestamp) metadata.push({ name: 'timestamp', value: timestamp });
    const original = isoOrNull(origin.originalTimestamp);
    if (original) metadata.push({ name: 'original timestamp', value: original });
    return {
      key: this.keyOf(row),
      row: this.toRow(row),
      stored: row.raw,
      payload: row.raw,
      recordKey: row.record_key,
      headers,
      metadata,
      originalTarget: originalTopic === null ? null : { kind: 'kafka-topic', topic: originalTopic },
      originLabel: `kafka:${this.settings.topic}/${row.partition}@${row.offset}`,
      kafka: {
        partition: row.partition ?? 0,
        offset: String(row.offset),
        timestamp: row.record_ts,
      },
    };
  }

  targetProblem(target: ConcreteReplayTarget): string | null {
    return this.capabilities.replayTargets.includes(target.kind)
      ? null
      : 'records of a Kafka topic replay to a Kafka topic of the same cluster';
  }

  replayNotes(): string[] {
    return [HEADER_MARKS_NOTE];
  }

  deliveryDescription(): string {
    return this.idempotence === false ? ACKS_ALL_DELIVERY : IDEMPOTENT_DELIVERY;
  }

  /**
   * kafkajs asks the controller broker for a producer id; a cluster whose
   * metadata names no known controller cannot start an idempotent producer.
   */
  private async openProducer(): Promise<OpenProducer> {
    const kafka = await this.kafkaDeps.kafka();
    const admin = kafka.admin();
    let idempotent: boolean;
    try {
      await onKafka(() => admin.connect());
      const cluster = await onKafka(() => admin.describeCluster());
      idempotent = cluster.brokers.some((broker) => broker.nodeId === cluster.controller);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const producer = kafka.producer({
      idempotent,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: idempotent ? 5 : 2, initialRetryTime: 200, maxRetryTime: 3000 },
    });
    await onKafka(() => producer.connect());
    this.idempotence = idempotent;
    return { producer, idempotent };
  }

  private producer(): Promise<OpenProducer> {
    if (!this.opened) {
      const opening = this.openProducer();
      this.opened = opening;
      opening.catch(() => {
        if (this.opened === opening) this.opened = null;
      });
    }
    return this.opened;
  }

  /** After an outage the producer starts over (a new producer id, fresh connections). */
  private async dropProducer(): Promise<void> {
    const opened = this.opened;
    this.opened = null;
    const current = await opened?.catch(() => null);
    await current?.producer.disconnect().catch(() => undefined);
  }

  /** Whether the producer in use is idempotent (null until it is opened). */
  get idempotentProducer(): boolean | null {
    return this.idempotence;
  }

  async prepareDelivery(): Promise<void> {
    await this.producer();
  }

  private toMessage(item: MoveItem): Message {
    return { key: item.recordKey, value: item.payload, headers: groupHeaders(item) };
  }

  async move(_jobId: string, items: readonly MoveItem[]): Promise<MoveOutcome[]> {
    const { producer } = await this.producer();
    const outcomes = new Map<number, MoveOutcome>();
    const byTopic = new Map<string, MoveItem[]>();
    for (const item of items) {
      if (item.target.kind !== 'kafka-topic') throw new Error('a Kafka move needs a topic target');
      const list = byTopic.get(item.target.topic) ?? [];
      list.push(item);
      byTopic.set(item.target.topic, list);
    }
    const send = (topic: string, chunk: MoveItem[]) =>
      producer.send({
        topic,
        acks: -1,
        timeout: SEND_TIMEOUT_MS,
        messages: chunk.map((item) => this.toMessage(item)),
      });
    try {
      for (const [topic, list] of byTopic) {
        // Broker quotas: a produce response carrying throttle_time_ms makes kafkajs hold
        // every later request on that broker connection until the time has passed
        // (KIP-219, Produce v6+; older brokers delay the response itself), so the next
        // send below waits out the throttle instead of pushing on. The job's rate limit
        // (records per second) is kept by the engine, which hands over batches in time.
        for (const chunk of produceRequests(list, recordBytes)) {
          try {
            await send(topic, chunk);
            for (const item of chunk) outcomes.set(item.step, { state: 'delivered' });
          } catch (error) {
            if (isKafkaOutage(error)) throw error;
            // Find the records the cluster refuses (too large, not authorised, ...): one by one.
            for (const item of chunk) {
              try {
                await send(topic, [item]);
                outcomes.set(item.step, { state: 'delivered' });
              } catch (single) {
                if (isKafkaOutage(single)) throw single;
                outcomes.set(item.step, { state: 'failed', detail: describeError(single) });
              }
            }
          }
        }
      }
    } catch (error) {
      await this.dropProducer();
      if (isKafkaOutage(error)) throw new OutageError('Kafka', describeError(error));
      throw error;
    }
    return items.map((item) => outcomes.get(item.step) ?? { state: 'failed', detail: 'not sent' });
  }

  settle(jobId: string, items: readonly MoveItem[], outcomes: readonly MoveOutcome[]): void {
    const records: { partition: number; offset: number }[] = [];
    items.forEach((item, i) => {
      if (outcomes[i]?.state !== 'delivered') return;
      const record = recordOfKey(item.key);
      if (record) records.push(record);
    });
    this.deps.index.markRecordsResolved(
      this.deps.sourceId,
      records,
      'replayed',
      `replay job ${jobId}`,
      new Date().toISOString(),
    );
  }

  async finishJob(): Promise<void> {
    await this.dropProducer();
  }

  async discard(entries: readonly EntrySnapshot[], reason: string): Promise<DiscardOutcome> {
    const ids: number[] = [];
    let missing = 0;
    for (const entry of entries) {
      const row = this.rowForKey(entry.key);
      if (row && row.resolved_kind === null) ids.push(row.id);
      else missing += 1;
    }
    this.deps.index.markResolved(ids, 'discarded', reason, new Date().toISOString());
    return { discarded: ids.length, missing };
  }

  async probe(): Promise<void> {
    const kafka = await this.kafkaDeps.kafka();
    const admin = kafka.admin();
    try {
      await onKafka(() => admin.connect());
      await onKafka(() => admin.fetchTopicMetadata({ topics: [this.settings.topic] }));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/** An entry key, "<partition>:<offset>" (digits only), as numbers; null for anything else. */
export function recordOfKey(key: string): { partition: number; offset: number } | null {
  const match = /^(\d{1,9}):(\d{1,18})$/.exec(key);
  return match ? { partition: Number(match[1]), offset: Number(match[2]) } : null;
}
