import type {
  GapRow,
  KafkaSnapshot,
  MonitoringConfig,
  PartitionRow,
  QueueRow,
  ServiceKind,
  SourceHealth,
  StreamRow,
} from '@shared/contract';
import type {
  KafkaConnectionConfig,
  PostgresConnectionConfig,
  RedisConnectionConfig,
} from '../connectors/types';
import type { Logger } from '@shared/log/logger';
import type { AlertObservation } from './alerts/ruleEvaluator';
import type { SampleStore, SeriesPoint } from './history/sampleStore';
import { KafkaSource } from './kafka/kafkaSource';
import { LagTracker, type KafkaSample, type LagState } from './kafka/lagTracker';
import { SourcePoller, type BackoffOptions, type PollSource, type PollerHealth } from './poller';
import { SyncGapSource, type GapSample } from './postgres/syncGapSource';
import { GapReadings, RedisReadings, lagPoints } from './readings';
import { RedisSource, type RedisSample } from './redis/redisSource';

export const SOURCES: readonly ServiceKind[] = ['redis', 'kafka', 'postgres'];

/** A source's connection, or why there is none. */
export type Resolved<T> = { config: T } | { config: null; reason: string };

export interface MonitorConnections {
  redis: Resolved<RedisConnectionConfig>;
  kafka: Resolved<KafkaConnectionConfig>;
  postgres: Resolved<PostgresConnectionConfig>;
}

export interface MonitorHooks {
  /** A source took a sample (after rows and history were updated). */
  onSample(source: ServiceKind, at: number, observation: AlertObservation): void;
  onHealth(health: SourceHealth): void;
}

export interface EnvironmentMonitorOptions {
  environmentId: string;
  config: MonitoringConfig;
  connections: MonitorConnections;
  store: SampleStore;
  hooks: MonitorHooks;
  logger: Logger;
  backoff?: BackoffOptions;
  now?: () => number;
}

interface Idle {
  state: 'not-configured' | 'disabled';
  message: string | null;
  since: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The monitors of one environment: up to three pollers (Redis, Kafka,
 * PostgreSQL), each on its own interval and connection, so one failing or
 * slow source never holds up the others. Keeps the latest rows for the
 * snapshot, writes history, and hands every sample to the alert rules.
 */
export class EnvironmentMonitor {
  readonly environmentId: string;
  private readonly pollers = new Map<ServiceKind, SourcePoller<unknown>>();
  private readonly idle = new Map<ServiceKind, Idle>();
  private readonly now: () => number;
  private readonly redisReadings: RedisReadings;
  private readonly gapReadings: GapReadings;
  private readonly lag: LagTracker;
  private queues: QueueRow[] = [];
  private streams: StreamRow[] = [];
  private gaps: GapRow[] = [];
  private lagState: LagState | null = null;
  private kafkaMeta: Omit<KafkaSnapshot, 'groups'> | null = null;
  /** The Kafka source, for request counting in benchmarks. */
  kafkaSource: KafkaSource | null = null;

  constructor(private readonly options: EnvironmentMonitorOptions) {
    this.environmentId = options.environmentId;
    this.now = options.now ?? Date.now;
    const { config } = options;
    this.redisReadings = new RedisReadings(config.windowSize);
    this.gapReadings = new GapReadings(config.windowSize);
    this.lag = new LagTracker(config.windowSize, config.allowedLag);
    this.setUp();
  }

  private intervalOf(section: { intervalMs: number | null }): number {
    return section.intervalMs ?? this.options.config.pollIntervalMs;
  }

  private setUp(): void {
    const { config, connections } = this.options;
    const timeoutMs = config.timeoutMs;
    const since = this.now();

    const redisWatch = config.redis;
    if (!redisWatch.enabled) this.idle.set('redis', { state: 'disabled', message: null, since });
    else if (connections.redis.config === null) {
      this.idle.set('redis', { state: 'not-configured', message: connections.redis.reason, since });
    } else if (redisWatch.queues.length === 0 && redisWatch.streams.length === 0) {
      this.idle.set('redis', {
        state: 'not-configured',
        message: 'no queue or stream to watch',
        since,
      });
    } else {
      const source = new RedisSource(connections.redis.config, redisWatch, timeoutMs);
      this.addPoller(source, this.intervalOf(redisWatch), (sample, at) => this.onRedis(sample, at));
    }

    const kafkaWatch = config.kafka;
    if (!kafkaWatch.enabled) this.idle.set('kafka', { state: 'disabled', message: null, since });
    else if (connections.kafka.config === null) {
      this.idle.set('kafka', { state: 'not-configured', message: connections.kafka.reason, since });
    } else if (kafkaWatch.groups.length === 0 && kafkaWatch.topics.length === 0) {
      this.idle.set('kafka', {
        state: 'not-configured',
        message: 'no topic or group to watch',
        since,
      });
    } else {
      const source = new KafkaSource(connections.kafka.config, kafkaWatch, { timeoutMs });
      this.kafkaSource = source;
      this.addPoller(source, this.intervalOf(kafkaWatch), (sample, at) => this.onKafka(sample, at));
    }

    const pgWatch = config.postgres;
    if (!pgWatch.enabled) this.idle.set('postgres', { state: 'disabled', message: null, since });
    else if (connections.postgres.config === null) {
      this.idle.set('postgres', {
        state: 'not-configured',
        message: connections.postgres.reason,
        since,
      });
    } else if (pgWatch.tables.length === 0) {
      this.idle.set('postgres', { state: 'not-configured', message: 'no table to watch', since });
    } else {
      const source = new SyncGapSource(connections.postgres.config, pgWatch, timeoutMs, this.now);
      this.addPoller(source, this.intervalOf(pgWatch), (sample, at) => this.onGaps(sample, at));
    }
  }

  private addPoller<S>(
    source: PollSource<S>,
    intervalMs: number,
    onSample: (sample: S, at: number) => void,
  ): void {
    const poller = new SourcePoller<S>({
      source,
      intervalMs,
      timeoutMs: this.options.config.timeoutMs,
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      now: this.now,
      onSample: (sample, at) => {
        try {
          onSample(sample, at);
        } catch (error) {
          this.options.logger.error('monitor sample handling failed', {
            environmentId: this.environmentId,
            source: source.kind,
            error,
          });
        }
      },
      onHealth: (health) =>
        this.options.hooks.onHealth(this.toHealth(source.kind, health, intervalMs)),
    });
    this.pollers.set(source.kind, poller as SourcePoller<unknown>);
  }

  start(): void {
    for (const poller of this.pollers.values()) poller.start();
  }

  /** Polls every source once now (tests and benchmarks). */
  async pollAll(): Promise<void> {
    await Promise.all([...this.pollers.values()].map((poller) => poller.pollNow()));
  }

  poller(kind: ServiceKind): SourcePoller<unknown> | null {
    return this.pollers.get(kind) ?? null;
  }

  private write(at: number, points: SeriesPoint[]): void {
    this.options.store.write(this.environmentId, at, points);
  }

  private onRedis(sample: RedisSample, at: number): void {
    const { queues, streams, points } = this.redisReadings.apply(sample, at);
    this.queues = queues;
    this.streams = streams;
    this.write(at, points);
    this.options.hooks.onSample('redis', at, {
      queues: queues.filter((q) => q.role === 'queue').map((q) => ({ key: q.key, depth: q.depth })),
      deadLetters: queues
        .filter((q) => q.role === 'dead-letter')
        .map((q) => ({ key: q.key, depth: q.depth })),
    });
  }

  private onKafka(sample: KafkaSample, at: number): void {
    this.lagState = this.lag.update(sample, at);
    this.kafkaMeta = {
      groupsSource: sample.groupsSource,
      groupsSourceNote: sample.groupsSourceNote,
      brokers: sample.brokers,
      missingTopics: sample.missingTopics,
    };
    this.write(at, lagPoints(this.lagState));
    this.options.hooks.onSample('kafka', at, {
      groups: this.lagState.groups.map((g) => ({
        groupId: g.groupId,
        status: g.status,
        totalLag: g.totalLag,
      })),
    });
  }

  private onGaps(sample: GapSample, at: number): void {
    const { gaps, points } = this.gapReadings.apply(sample, at);
    this.gaps = gaps;
    this.write(at, points);
    this.options.hooks.onSample('postgres', at, {
      gaps: gaps.map((g) => ({
        table: g.table,
        oldestAgeSeconds: g.oldestAgeSeconds,
        count: g.count,
      })),
    });
  }

  private toHealth(source: ServiceKind, health: PollerHealth, intervalMs: number): SourceHealth {
    return {
      source,
      state: health.state,
      since: iso(health.since),
      cause: health.failure?.cause ?? null,
      message: health.failure?.message ?? null,
      lastSampleAt: iso(health.lastSampleAt),
      lastDurationMs: health.lastDurationMs,
      intervalMs,
      skippedTicks: health.skippedTicks,
      consecutiveFailures: health.consecutiveFailures,
      nextAttemptAt: health.state === 'down' ? iso(health.nextAttemptAt) : null,
    };
  }

  health(): SourceHealth[] {
    return SOURCES.map((source) => {
      const poller = this.pollers.get(source);
      if (poller) return this.toHealth(source, poller.currentHealth(), poller.intervalMs);
      const idle = this.idle.get(source)!;
      return {
        source,
        state: idle.state,
        since: iso(idle.since),
        cause: idle.state === 'not-configured' ? 'not-configured' : null,
        message: idle.message,
        lastSampleAt: null,
        lastDurationMs: null,
        intervalMs: this.options.config.pollIntervalMs,
        skippedTicks: 0,
        consecutiveFailures: 0,
        nextAttemptAt: null,
      };
    });
  }

  /** For source-down rules: each polled source's state and when it began. */
  sourceObservation(): NonNullable<AlertObservation['sources']> {
    return [...this.pollers.entries()].map(([source, poller]) => {
      const health = poller.currentHealth();
      return {
        source,
        state: health.state,
        message: health.failure?.message ?? null,
        sinceMs: health.since,
      };
    });
  }

  queueRows(): QueueRow[] {
    return this.queues;
  }

  streamRows(): StreamRow[] {
    return this.streams;
  }

  gapRows(): GapRow[] {
    return this.gaps;
  }

  kafkaSnapshot(): KafkaSnapshot | null {
    if (!this.kafkaMeta || !this.lagState) return null;
    return { ...this.kafkaMeta, groups: this.lagState.groups };
  }

  partitions(groupId?: string): PartitionRow[] {
    const rows = this.lagState?.partitions ?? [];
    return groupId === undefined ? rows : rows.filter((row) => row.groupId === groupId);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pollers.values()].map((poller) => poller.stop()));
  }
}
