import type {
  GapRow,
  KafkaSnapshot,
  MonitoringConfig,
  PartitionRow,
  QueueRow,
  ServiceKind,
  ServerHealth,
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
import { KafkaLagProbe } from './kafka/kafkaLagProbe';
import { LagTracker, type KafkaSample, type LagState } from './kafka/lagTracker';
import { ProbePoller, type BackoffOptions, type Probe, type PollerHealth } from './poller';
import { SyncGapProbe, type GapSample } from './postgres/syncGapProbe';
import { GapReadings, RedisReadings, lagPoints } from './readings';
import { RedisQueueProbe, type RedisSample } from './redis/redisQueueProbe';

export const POLLED_SERVERS: readonly ServiceKind[] = ['redis', 'kafka', 'postgres'];

/** A server's connection, or why there is none. */
export type Resolved<T> = { config: T } | { config: null; reason: string };

export interface MonitorConnections {
  redis: Resolved<RedisConnectionConfig>;
  kafka: Resolved<KafkaConnectionConfig>;
  postgres: Resolved<PostgresConnectionConfig>;
}

export interface MonitorHooks {
  /** A server took a sample (after rows and history were updated). */
  onSample(server: ServiceKind, at: number, observation: AlertObservation): void;
  onHealth(health: ServerHealth): void;
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
 * slow server never holds up the others. Keeps the latest rows for the
 * snapshot, writes history, and hands every sample to the alert rules.
 */
export class EnvironmentMonitor {
  readonly environmentId: string;
  private readonly pollers = new Map<ServiceKind, ProbePoller<unknown>>();
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
  /** The Kafka server, for request counting in benchmarks. */
  kafkaProbe: KafkaLagProbe | null = null;

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
      const probe = new RedisQueueProbe(connections.redis.config, redisWatch, timeoutMs);
      this.addPoller(probe, this.intervalOf(redisWatch), (sample, at) => this.onRedis(sample, at));
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
      const probe = new KafkaLagProbe(connections.kafka.config, kafkaWatch, { timeoutMs });
      this.kafkaProbe = probe;
      this.addPoller(probe, this.intervalOf(kafkaWatch), (sample, at) => this.onKafka(sample, at));
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
      const probe = new SyncGapProbe(connections.postgres.config, pgWatch, timeoutMs, this.now);
      this.addPoller(probe, this.intervalOf(pgWatch), (sample, at) => this.onGaps(sample, at));
    }
  }

  private addPoller<S>(
    probe: Probe<S>,
    intervalMs: number,
    onSample: (sample: S, at: number) => void,
  ): void {
    const poller = new ProbePoller<S>({
      probe,
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
            server: probe.kind,
            error,
          });
        }
      },
      onHealth: (health) =>
        this.options.hooks.onHealth(this.toHealth(probe.kind, health, intervalMs)),
    });
    this.pollers.set(probe.kind, poller as ProbePoller<unknown>);
  }

  start(): void {
    for (const poller of this.pollers.values()) poller.start();
  }

  /** Polls every server once now (tests and benchmarks). */
  async pollAll(): Promise<void> {
    await Promise.all([...this.pollers.values()].map((poller) => poller.pollNow()));
  }

  poller(kind: ServiceKind): ProbePoller<unknown> | null {
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

  private toHealth(server: ServiceKind, health: PollerHealth, intervalMs: number): ServerHealth {
    return {
      server,
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

  health(): ServerHealth[] {
    return POLLED_SERVERS.map((server) => {
      const poller = this.pollers.get(server);
      if (poller) return this.toHealth(server, poller.currentHealth(), poller.intervalMs);
      const idle = this.idle.get(server)!;
      return {
        server,
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

  /** For server-down rules: each polled server's state and when it began. */
  serverObservation(): NonNullable<AlertObservation['servers']> {
    return [...this.pollers.entries()].map(([server, poller]) => {
      const health = poller.currentHealth();
      return {
        server,
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
