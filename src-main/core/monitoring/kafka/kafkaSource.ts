import type { MonitoringConfig } from '../../../../src-preload/contract';
import { classifyConnectionError } from '../../connectors/classify';
import { scrubSecrets } from '../../connectors/failures';
import type { KafkaConnectionConfig } from '../../connectors/types';
import type { PollSource, SourceFailure } from '../poller';
import { KafkaOffsetsClient, type SentRequest } from './kafkaOffsetsClient';
import type { GroupReading, KafkaSample } from './lagTracker';

type KafkaWatch = MonitoringConfig['kafka'];

/** ListGroups is a cluster-wide scan: once in a while is enough to notice new groups. */
export const GROUP_DISCOVERY_INTERVAL_MS = 30_000;

export interface KafkaSourceOptions {
  timeoutMs: number;
  metadataMaxAgeMs?: number;
  now?: () => number;
}

/**
 * Polls consumer group offsets and log-end offsets. Groups come from the
 * broker's ListGroups (every GROUP_DISCOVERY_INTERVAL_MS) plus the configured
 * ones; a broker without ListGroups leaves the configured ones, and the
 * sample says so.
 */
export class KafkaSource implements PollSource<KafkaSample> {
  readonly kind = 'kafka' as const;
  private client: KafkaOffsetsClient;
  private readonly requestListeners: ((request: SentRequest) => void)[] = [];
  private discovered: string[] = [];
  private discoverySupported: boolean | null = null;
  private discoveredAt = 0;
  private readonly now: () => number;

  constructor(
    private readonly connection: KafkaConnectionConfig,
    private readonly watch: KafkaWatch,
    private readonly options: KafkaSourceOptions,
  ) {
    this.client = this.newClient();
    this.now = options.now ?? Date.now;
  }

  private newClient(): KafkaOffsetsClient {
    const client = new KafkaOffsetsClient(
      this.connection,
      this.options.timeoutMs,
      this.options.metadataMaxAgeMs,
    );
    client.onRequest((request) => {
      for (const listener of this.requestListeners) listener(request);
    });
    return client;
  }

  /** Every request sent to the cluster, by API name (for request budgets). */
  onRequest(listener: (request: SentRequest) => void): void {
    this.requestListeners.push(listener);
  }

  private topicsOf(groupTopics: readonly string[]): string[] {
    return groupTopics.length > 0 ? [...groupTopics] : [...this.watch.topics];
  }

  private async discover(): Promise<void> {
    if (!this.watch.discoverGroups || this.discoverySupported === false) return;
    if (
      this.discoverySupported !== null &&
      this.now() - this.discoveredAt < GROUP_DISCOVERY_INTERVAL_MS
    ) {
      return;
    }
    const found = await this.client.listGroups();
    this.discoverySupported = found.supported;
    this.discovered = found.groups;
    this.discoveredAt = this.now();
  }

  async poll(): Promise<KafkaSample> {
    const configured = this.watch.groups.map((g) => ({
      groupId: g.groupId,
      topics: this.topicsOf(g.topics),
      origin: 'configuration' as const,
    }));
    // Metadata first: discovery needs to know the brokers.
    await this.client.watchTopics([...this.watch.topics, ...configured.flatMap((g) => g.topics)]);
    await this.discover();
    const configuredIds = new Set(configured.map((g) => g.groupId));
    const fromBroker = this.discovered
      .filter((groupId) => !configuredIds.has(groupId))
      .map((groupId) => ({ groupId, topics: [...this.watch.topics], origin: 'broker' as const }));
    const groups = [...configured, ...fromBroker];

    const topics = new Set<string>(this.watch.topics);
    for (const group of groups) for (const topic of group.topics) topics.add(topic);
    const missingTopics = await this.client.watchTopics([...topics]);

    const [logEnd, offsets] = await Promise.all([
      this.client.logEndOffsets([...topics]),
      Promise.all(groups.map((group) => this.client.committedOffsets(group.groupId, group.topics))),
    ]);
    const readings: GroupReading[] = groups.map((group, index) => {
      const result = offsets[index]!;
      return {
        groupId: group.groupId,
        origin: group.origin,
        topics: group.topics,
        committed: result.committed,
        error: result.error === null ? null : this.describeFailure(result.error).message,
      };
    });
    // Every group failing the same way is the cluster failing, not the groups.
    if (readings.length > 0 && offsets.every((o) => o.error !== null)) throw offsets[0]!.error;

    const brokerSupported = this.discoverySupported === true;
    return {
      brokers: this.client.brokerCount(),
      groupsSource: brokerSupported ? 'broker' : 'configuration',
      groupsSourceNote: !this.watch.discoverGroups
        ? 'group discovery is switched off'
        : this.discoverySupported === false
          ? 'the broker does not support ListGroups: groups come from the configuration'
          : null,
      missingTopics,
      logEnd,
      groups: readings,
    };
  }

  describeFailure(error: unknown): SourceFailure {
    const { cause, message } = classifyConnectionError(error, {
      service: 'kafka',
      target: this.connection.brokers.join(', '),
      user: this.connection.sasl?.username ?? null,
      tls: this.connection.ssl,
      timeoutMs: this.options.timeoutMs,
    });
    return { cause, message: scrubSecrets(message, [this.connection.sasl?.password]) };
  }

  async reset(): Promise<void> {
    // A fresh client for the next poll; the old one disconnects in the background.
    this.discoverySupported = null;
    const old = this.client;
    this.client = this.newClient();
    void old.disconnect();
  }

  async close(): Promise<void> {
    await this.client.disconnect();
  }
}
