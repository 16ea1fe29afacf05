import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { LogEntry, Producer, logCreator } from 'kafkajs';
import type { Logger } from '@shared/log/logger';
import { silentLogger } from '@shared/log/logger';
import { withTimeout } from '../common/time';

export interface KafkaConnection {
  brokers: string[];
  clientId?: string;
}

function toLogger(logger: Logger): logCreator {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...fields } = log;
      if (level <= logLevel.ERROR) logger.error(`kafka: ${message}`, fields);
      else if (level === logLevel.WARN) logger.warn(`kafka: ${message}`, fields);
    };
}

/** A kafkajs client whose connects, requests and retries are all bounded. */
export function createKafka(conn: KafkaConnection, logger: Logger = silentLogger): Kafka {
  return new Kafka({
    clientId: conn.clientId ?? 'sandbox',
    brokers: conn.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator: toLogger(logger),
  });
}

export interface OutgoingMessage {
  key: string | Buffer | null;
  value: string | Buffer;
  headers?: Record<string, string | Buffer>;
}

/**
 * One producer shared by the outbox drainer, the backup poller and the DLQ.
 * Not idempotent: the local broker cannot run the idempotent producer, and
 * every consumer here is idempotent anyway (it re-reads the row).
 */
export class Publisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly sendTimeoutMs = 15_000,
  ) {
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  async start(): Promise<void> {
    await withTimeout(this.producer.connect(), 15_000, 'Kafka producer connect');
    this.connected = true;
  }

  async stop(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await withTimeout(this.producer.disconnect(), 5000, 'Kafka producer disconnect').catch(
      () => undefined,
    );
  }

  /** Resolves once every message is acknowledged by all in-sync replicas. */
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await withTimeout(
      this.producer.send({ topic, acks: -1, timeout: 10_000, messages }),
      this.sendTimeoutMs,
      `send to ${topic}`,
    );
  }
}

/** The value of a job-es-sync event; the consumer reads the row itself, so only the id matters. */
export interface SyncEvent {
  id: string;
  version: number;
  source: 'outbox' | 'backup-poller';
  published_at: string;
}

export function syncMessage(event: SyncEvent): OutgoingMessage {
  return { key: event.id, value: JSON.stringify(event) };
}
