import {
  SluiceError,
  type Alert,
  type EnvironmentView,
  type HistoryMetric,
  type HistoryResult,
  type HistoryWindow,
  type MonitoringConfig,
  type MonitoringSnapshot,
  type OverviewRow,
  type PartitionRow,
  type ServerHealth,
} from '@shared/contract';
import type { EnvironmentService } from '../environments/service';
import type { Logger } from '@shared/log/logger';
import type { EventBus } from '../rpc/eventBus';
import type { Db } from '../store/database';
import { EnvironmentAlerts } from './alerts/alertCenter';
import { AlertRepository } from './alerts/alertRepository';
import {
  MonitoringConfigRepository,
  checkRuleTargets,
  withRuleIds,
  type ParsedConfigInput,
} from './configRepository';
import { resolveMonitorConnections } from './connections';
import { EnvironmentMonitor, POLLED_SERVERS } from './environmentMonitor';
import { HistoryQuery } from './history/historyQuery';
import { HistoryRetention, type RetentionOptions } from './history/retention';
import { SampleStore } from './history/sampleStore';
import { worstStatus } from './lag/burrow';
import type { BackoffOptions } from './poller';

export interface MonitoringServiceOptions {
  db: Db;
  environments: EnvironmentService;
  events: EventBus;
  logger: Logger;
  notify(title: string, body: string): void;
  /** Who acknowledges or resolves, in words for the alert record. */
  operatorName(): string;
  backoff?: BackoffOptions;
  retention?: RetentionOptions;
  /** How often history is rolled up and pruned; default 30 s. */
  maintenanceIntervalMs?: number;
  /** How often source-down rules are checked between samples; default 5 s. */
  healthCheckIntervalMs?: number;
  now?: () => number;
}

interface Running {
  monitor: EnvironmentMonitor;
  alerts: EnvironmentAlerts;
  config: MonitoringConfig;
}

const sum = (values: (number | null)[]): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
};

/**
 * Live monitoring of every environment that has a monitoring configuration.
 * Monitors start with the core, restart when their configuration or their
 * environment changes, and stop when either is removed.
 */
export class MonitoringService {
  private readonly configs: MonitoringConfigRepository;
  private readonly store: SampleStore;
  private readonly retention: HistoryRetention;
  private readonly history: HistoryQuery;
  private readonly alertRepository: AlertRepository;
  private readonly running = new Map<string, Running>();
  /** Per-environment chain, so starts and stops of one environment never interleave. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private healthTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;

  constructor(private readonly options: MonitoringServiceOptions) {
    this.now = options.now ?? Date.now;
    this.configs = new MonitoringConfigRepository(options.db, options.logger);
    this.store = new SampleStore(options.db);
    this.retention = new HistoryRetention(options.db, { now: this.now, ...options.retention });
    this.history = new HistoryQuery(
      options.db,
      this.store,
      () => this.retention.rolledUpUntil(),
      this.now,
    );
    this.alertRepository = new AlertRepository(options.db);
  }

  /** Starts every configured environment's monitors and the history maintenance. */
  async start(): Promise<void> {
    this.unsubscribe = this.options.events.onAny((event, payload) => {
      if (event !== 'environments.changed') return;
      for (const id of (payload as { ids: string[] }).ids) void this.restart(id);
    });
    this.retention.start(this.options.maintenanceIntervalMs ?? 30_000, (error) =>
      this.options.logger.error('monitoring history maintenance failed', { error }),
    );
    const interval = this.options.healthCheckIntervalMs ?? 5_000;
    this.healthTimer = setInterval(() => this.checkServerHealth(), interval);
    this.healthTimer.unref?.();
    await Promise.all(this.configs.all().map(({ environmentId }) => this.restart(environmentId)));
  }

  /** Stops, then (if it still exists and has a configuration) starts the environment's monitors. */
  restart(environmentId: string): Promise<void> {
    const previous = this.chains.get(environmentId) ?? Promise.resolve();
    const next = previous
      .then(() => this.restartNow(environmentId))
      .catch((error: unknown) =>
        this.options.logger.error('monitor restart failed', { environmentId, error }),
      );
    this.chains.set(environmentId, next);
    return next;
  }

  private async restartNow(environmentId: string): Promise<void> {
    const current = this.running.get(environmentId);
    if (current) {
      this.running.delete(environmentId);
      await current.monitor.stop();
      this.store.forgetEnvironment(environmentId);
    }
    if (this.closed) return;
    const config = this.configs.get(environmentId);
    let view: EnvironmentView;
    try {
      view = await this.options.environments.get(environmentId);
    } catch (error) {
      if (error instanceof SluiceError && error.code === 'NOT_FOUND') return;
      throw error;
    }
    if (!config || this.closed) return;
    const connections = await resolveMonitorConnections(this.options.environments, view);
    const alerts = new EnvironmentAlerts(environmentId, view.name, config.alerts, {
      repository: this.alertRepository,
      events: this.options.events,
      logger: this.options.logger,
      notify: this.options.notify,
    });
    const monitor = new EnvironmentMonitor({
      environmentId,
      config,
      connections,
      store: this.store,
      logger: this.options.logger,
      now: this.now,
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      hooks: {
        onSample: (server, at, observation) => {
          alerts.observe({ ...observation, servers: monitor.serverObservation() }, at);
          this.options.events.emit('monitoring.sample', {
            environmentId,
            server,
            at: new Date(at).toISOString(),
          });
        },
        onHealth: (health) => this.onHealth(environmentId, health),
      },
    });
    if (this.closed) return;
    this.running.set(environmentId, { monitor, alerts, config });
    monitor.start();
  }

  private onHealth(environmentId: string, health: ServerHealth): void {
    this.options.events.emit('monitoring.health', {
      environmentId,
      server: health.server,
      state: health.state,
      since: health.since,
      message: health.message,
    });
    this.checkServerHealth(environmentId);
  }

  /** source-down rules need time to pass, samples or not. */
  private checkServerHealth(only?: string): void {
    const now = this.now();
    for (const [environmentId, running] of this.running) {
      if (only !== undefined && environmentId !== only) continue;
      running.alerts.observe({ servers: running.monitor.serverObservation() }, now);
    }
  }

  // -- configuration ---------------------------------------------------------

  getConfig(environmentId: string): MonitoringConfig | null {
    this.options.environments.require(environmentId);
    return this.configs.get(environmentId);
  }

  async saveConfig(
    environmentId: string,
    input: ParsedConfigInput | null,
  ): Promise<MonitoringConfig | null> {
    this.options.environments.require(environmentId);
    const now = new Date(this.now());
    let saved: MonitoringConfig | null = null;
    if (input === null) {
      this.configs.remove(environmentId);
      const resolved = this.alertRepository.resolveRulesNotIn(environmentId, [], now);
      if (resolved.length > 0) this.announceAlerts(environmentId, resolved);
    } else {
      saved = withRuleIds(input);
      checkRuleTargets(saved);
      this.configs.save(environmentId, saved);
      const resolved = this.alertRepository.resolveRulesNotIn(
        environmentId,
        saved.alerts.map((rule) => rule.id),
        now,
      );
      if (resolved.length > 0) this.announceAlerts(environmentId, resolved);
    }
    this.options.events.emit('monitoring.config', { environmentId });
    await this.restart(environmentId);
    return saved;
  }

  private announceAlerts(environmentId: string, ids: string[]): void {
    const counts = this.alertRepository.counts(environmentId);
    this.options.events.emit('monitoring.alerts', {
      environmentId,
      alertIds: ids,
      openCount: counts.open + counts.acknowledged,
    });
  }

  // -- live state --------------------------------------------------------------

  monitor(environmentId: string): EnvironmentMonitor | null {
    return this.running.get(environmentId)?.monitor ?? null;
  }

  private idleHealth(configured: boolean): ServerHealth[] {
    return POLLED_SERVERS.map((server) => ({
      server,
      state: configured ? 'starting' : 'not-configured',
      since: null,
      cause: configured ? null : 'not-configured',
      message: configured ? null : 'monitoring is not configured',
      lastSampleAt: null,
      lastDurationMs: null,
      intervalMs: 0,
      skippedTicks: 0,
      consecutiveFailures: 0,
      nextAttemptAt: null,
    }));
  }

  snapshot(environmentId: string): MonitoringSnapshot {
    this.options.environments.require(environmentId);
    const monitor = this.monitor(environmentId);
    // A running monitor means a configuration; only otherwise is the store asked.
    const configured = monitor !== null || this.configs.get(environmentId) !== null;
    return {
      environmentId,
      configured,
      servers: monitor ? monitor.health() : this.idleHealth(configured),
      queues: monitor?.queueRows() ?? [],
      streams: monitor?.streamRows() ?? [],
      kafka: monitor?.kafkaSnapshot() ?? null,
      gaps: monitor?.gapRows() ?? [],
      alerts: this.alertRepository.counts(environmentId),
    };
  }

  async overview(): Promise<OverviewRow[]> {
    const environments = await this.options.environments.list();
    return environments.map((environment) => {
      const snapshot = this.snapshot(environment.id);
      const queues = snapshot.queues.filter((q) => q.role === 'queue');
      const deadLetters = snapshot.queues.filter((q) => q.role === 'dead-letter');
      const groups = snapshot.kafka?.groups ?? [];
      const gaps = snapshot.gaps;
      const ages = gaps.map((g) => g.oldestAgeSeconds).filter((a): a is number => a !== null);
      return {
        environmentId: environment.id,
        name: environment.name,
        colour: environment.colour,
        configured: snapshot.configured,
        queueDepth: sum(queues.map((q) => q.depth)),
        queueTrend: sum(queues.map((q) => q.trend)),
        worstGroupStatus: groups.length > 0 ? worstStatus(groups.map((g) => g.status)) : null,
        totalLag: groups.length > 0 ? groups.reduce((total, g) => total + g.totalLag, 0) : null,
        gapCount: sum(gaps.map((g) => g.count)),
        gapOldestAgeSeconds: ages.length > 0 ? Math.max(...ages) : null,
        deadLetterCount: sum(deadLetters.map((q) => q.depth)),
        openAlerts: snapshot.alerts.open + snapshot.alerts.acknowledged,
        servers: snapshot.servers,
      };
    });
  }

  partitions(environmentId: string, groupId?: string): PartitionRow[] {
    this.options.environments.require(environmentId);
    return this.monitor(environmentId)?.partitions(groupId) ?? [];
  }

  queryHistory(
    environmentId: string,
    window: HistoryWindow,
    series: readonly { metric: HistoryMetric; key: string }[],
  ): HistoryResult {
    this.options.environments.require(environmentId);
    return this.history.query(environmentId, window, series);
  }

  /** Rolls up and prunes history now (tests and tools). */
  maintainHistory(): ReturnType<HistoryRetention['runOnce']> {
    return this.retention.runOnce();
  }

  // -- alerts ------------------------------------------------------------------

  listAlerts(filter: Parameters<AlertRepository['list']>[0]): Alert[] {
    return this.alertRepository.list(filter);
  }

  getAlert(id: string): Alert {
    return this.alertRepository.get(id);
  }

  acknowledgeAlert(id: string): Alert {
    const alert = this.alertRepository.acknowledge(
      id,
      this.options.operatorName(),
      new Date(this.now()),
    );
    this.announceAlerts(alert.environmentId, [alert.id]);
    return alert;
  }

  resolveAlert(id: string): Alert {
    const alert = this.alertRepository.resolve(
      id,
      this.options.operatorName(),
      new Date(this.now()),
    );
    this.running.get(alert.environmentId)?.alerts.resolvedByOperator(alert);
    this.announceAlerts(alert.environmentId, [alert.id]);
    return alert;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    if (this.healthTimer) clearInterval(this.healthTimer);
    await Promise.all([...this.chains.values()]);
    await Promise.all([...this.running.values()].map((r) => r.monitor.stop()));
    this.running.clear();
    await this.retention.stop();
  }
}
