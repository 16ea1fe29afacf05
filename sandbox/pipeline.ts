/**
 * The whole sandbox pipeline in one call: real PostgreSQL, Redis and Kafka
 * servers, then the writer, worker, outbox drainer, sync consumer, backup
 * poller, control server and (optionally) a load generator.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from '@shared/log/logger';
import { silentLogger } from '@shared/log/logger';
import { createPgPool, createRedis } from './common/clients';
import { queueKeys, SYNC_DLQ_TOPIC, SYNC_GROUP, SYNC_TOPIC } from './common/names';
import type { QueueKeys } from './common/names';
import { withTimeout } from './common/time';
import { ControlServer } from './control/server';
import { LoadGenerator } from './loadgen/loadGenerator';
import type { FailureMix } from './loadgen/payloads';
import { countSyncGap } from './schema/syncGap';
import { migrate } from './schema/migrate';
import { PostgresIndexer } from './schema/postgresIndexer';
import {
  MissingBinaryError,
  startKafka,
  startMockKafka,
  startPostgres,
  startRedis,
} from './servers';
import type { KafkaCluster, PostgresServer, RedisServer } from './servers';
import { BackupPoller } from './sync/backupPoller';
import { createKafka, Publisher } from './sync/kafka';
import { groupLag } from './sync/lag';
import type { GroupLag } from './sync/lag';
import { OutboxDrainer } from './sync/outboxDrainer';
import { SyncConsumer } from './sync/syncConsumer';
import { Worker } from './worker/worker';
import { WriterServer } from './writer/server';

export interface SandboxOptions {
  /** Partitions of job-es-sync. */
  partitions?: number;
  /** false: no worker in this process (a test runs it as a child process). */
  worker?: boolean;
  batchSize?: number;
  batchTimeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  /** Tries per document the index rejects before the DLQ. */
  syncMaxAttempts?: number;
  syncRetryBaseMs?: number;
  syncMaxWaitMs?: number;
  syncSessionTimeoutMs?: number;
  pollerThresholdMs?: number;
  pollerIntervalMs?: number;
  /** Writes per second from the load generator; 0 or absent: a generator exists but idles. */
  rate?: number;
  mix?: Partial<FailureMix>;
  controlPort?: number;
  writerPort?: number;
  logger?: Logger;
}

/** What Sluice needs to watch this sandbox (environments.save input). */
export interface SandboxEnvironment {
  name: string;
  colour: string;
  readOnly: boolean;
  production: boolean;
  redisUrl: string;
  postgresUrl: string;
  kafka: {
    brokers: string[];
    clientId: string;
    ssl: boolean;
    sslRejectUnauthorized: boolean;
    sasl: null;
  };
}

export interface SandboxSnapshot {
  queueDepth: number;
  processingDepth: number;
  deadDepth: number;
  queued: number;
  processed: number;
  failed: number;
  syncGap: number;
  lag: GroupLag;
  dlqMessages: number;
  deadLetterRows: number;
}

export interface Sandbox {
  postgres: PostgresServer;
  redisServer: RedisServer;
  kafkaCluster: KafkaCluster;
  pool: pg.Pool;
  redis: Redis;
  kafka: Kafka;
  admin: Admin;
  keys: QueueKeys;
  indexer: PostgresIndexer;
  publisher: Publisher;
  writer: WriterServer;
  worker: Worker | null;
  drainer: OutboxDrainer;
  consumer: SyncConsumer;
  poller: BackupPoller;
  loadgen: LoadGenerator;
  control: ControlServer;
  environment: SandboxEnvironment;
  snapshot(): Promise<SandboxSnapshot>;
  stop(): Promise<void>;
}

/**
 * Real Apache Kafka where Java and Maven are installed; elsewhere the mock
 * cluster with a printed warning, so the demo still runs (without group
 * discovery, offset administration or the idempotent producer).
 */
async function startSandboxKafka(logger: Logger): Promise<KafkaCluster> {
  try {
    return await startKafka({ brokers: 1 });
  } catch (error) {
    if (!(error instanceof MissingBinaryError)) throw error;
    const warning = `${error.message}; falling back to librdkafka's mock cluster, which is not Kafka`;
    logger.warn(warning);
    process.stderr.write(`warning: ${warning}\n`);
    return startMockKafka({ brokers: 1 });
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const logger = options.logger ?? silentLogger;
  const cleanups: (() => Promise<unknown>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.warn('sandbox stop step failed', { error }));
    }
  };
  const started = Promise.allSettled([startPostgres(), startRedis(), startSandboxKafka(logger)]);
  const [pgResult, redisResult, kafkaResult] = await started;
  for (const result of [pgResult, redisResult, kafkaResult]) {
    if (result.status === 'fulfilled') cleanups.push(() => result.value.stop());
  }
  try {
    for (const result of [pgResult, redisResult, kafkaResult]) {
      if (result.status === 'rejected') throw result.reason;
    }
    const postgres = (pgResult as PromiseFulfilledResult<PostgresServer>).value;
    const redisServer = (redisResult as PromiseFulfilledResult<RedisServer>).value;
    const kafkaCluster = (kafkaResult as PromiseFulfilledResult<KafkaCluster>).value;
    const redisConn = { url: redisServer.url, password: redisServer.password };

    await kafkaCluster.createTopic(SYNC_TOPIC, options.partitions ?? 6);
    await kafkaCluster.createTopic(SYNC_DLQ_TOPIC, 1);

    const pool = createPgPool(postgres.url, { max: 6, applicationName: 'sandbox' });
    cleanups.push(() => pool.end());
    await migrate(pool);

    const redis = createRedis(redisConn, 'sandbox');
    cleanups.push(async () => redis.disconnect());
    await redis.connect();

    const kafka = createKafka({ brokers: kafkaCluster.brokers, clientId: 'sandbox' }, logger);
    const admin = kafka.admin();
    await withTimeout(admin.connect(), 15_000, 'Kafka admin connect');
    cleanups.push(() => admin.disconnect());

    const publisher = new Publisher(kafka);
    await publisher.start();
    cleanups.push(() => publisher.stop());

    const indexer = new PostgresIndexer(pool);
    const keys = queueKeys();

    const writer = new WriterServer({
      redis: redisConn,
      postgresUrl: postgres.url,
      port: options.writerPort ?? 0,
      logger,
    });
    await writer.start();
    cleanups.push(() => writer.stop());

    let worker: Worker | null = null;
    if (options.worker !== false) {
      const running = new Worker({
        redis: redisConn,
        postgresUrl: postgres.url,
        batchSize: options.batchSize,
        batchTimeoutMs: options.batchTimeoutMs,
        maxRetries: options.maxRetries,
        retryBaseMs: options.retryBaseMs,
        logger,
      });
      await running.start();
      cleanups.push(() => running.stop());
      worker = running;
    }

    const consumer = new SyncConsumer({
      kafka,
      pool,
      indexer,
      publisher,
      maxAttempts: options.syncMaxAttempts,
      retryBaseMs: options.syncRetryBaseMs,
      maxWaitTimeInMs: options.syncMaxWaitMs,
      sessionTimeoutMs: options.syncSessionTimeoutMs,
      logger,
    });
    await consumer.start();
    cleanups.push(() => consumer.stop());

    const drainer = new OutboxDrainer({ pool, postgresUrl: postgres.url, publisher, logger });
    await drainer.start();
    cleanups.push(() => drainer.stop());

    const poller = new BackupPoller({
      pool,
      publisher,
      thresholdMs: options.pollerThresholdMs,
      intervalMs: options.pollerIntervalMs,
      logger,
    });
    poller.start();
    cleanups.push(() => poller.stop());

    const loadgen = new LoadGenerator({
      writerUrl: writer.url,
      redis: redisConn,
      rate: options.rate ?? 0,
      mix: options.mix,
      logger,
    });
    cleanups.push(() => loadgen.close());
    if ((options.rate ?? 0) > 0) await loadgen.start();

    const snapshot = async (): Promise<SandboxSnapshot> => {
      const [stats, syncGap, lag, dlqOffsets, deadLetters] = await Promise.all([
        writer.stats(),
        countSyncGap(pool),
        groupLag(admin, SYNC_GROUP, SYNC_TOPIC),
        withTimeout(admin.fetchTopicOffsets(SYNC_DLQ_TOPIC), 10_000, 'DLQ offsets'),
        pool.query<{ n: string }>(
          "SELECT count(*) AS n FROM dead_letters WHERE status = 'pending'",
        ),
      ]);
      return {
        queueDepth: stats.queue_depth,
        processingDepth: stats.processing_depth,
        deadDepth: stats.dead_depth,
        queued: stats.writes_queued,
        processed: stats.writes_processed,
        failed: stats.writes_failed,
        syncGap,
        lag,
        dlqMessages: dlqOffsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0),
        deadLetterRows: Number(deadLetters.rows[0]?.n ?? 0),
      };
    };

    const control = new ControlServer(
      {
        worker,
        sync: consumer,
        load: loadgen,
        status: async () => ({
          worker: worker
            ? { running: worker.running, paused: worker.paused, ...worker.counters }
            : null,
          sync: { paused: consumer.paused, ...consumer.counters },
          load: loadgen.stats(),
          pipeline: await snapshot(),
        }),
      },
      options.controlPort ?? 0,
    );
    await control.start();
    cleanups.push(() => control.stop());

    const environment: SandboxEnvironment = {
      name: 'sandbox',
      colour: '#2b8a3e',
      readOnly: false,
      production: false,
      redisUrl: redisServer.url,
      postgresUrl: postgres.url,
      kafka: {
        brokers: kafkaCluster.brokers,
        clientId: 'sluice',
        ssl: false,
        sslRejectUnauthorized: true,
        sasl: null,
      },
    };

    let stopping: Promise<void> | null = null;
    return {
      postgres,
      redisServer,
      kafkaCluster,
      pool,
      redis,
      kafka,
      admin,
      keys,
      indexer,
      publisher,
      writer,
      worker,
      drainer,
      consumer,
      poller,
      loadgen,
      control,
      environment,
      snapshot,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
