import type { MonitoringConfig } from '@shared/contract';
import { classifyConnectionError } from '../../connectors/classify';
import { scrubSecrets } from '../../connectors/failures';
import type { KafkaConnectionConfig } from '../../connectors/types';
import type { Probe, ProbeFailure } from '../poller';
import {
  GroupOffsetsError,
  KafkaOffsetsClient,
  type SentRequest,
  type TopicSelection,
} from './kafkaOffsetsClient';
import type { GroupReading, KafkaSample } from './lagTracker';

type KafkaWatch = MonitoringConfig['kafka'];

/** ListGroups is a cluster-wide scan: once in a while is enough to notice new groups. */
export const GROUP_DISCOVERY_INTERVAL_MS = 30_000;

export interface KafkaLagProbeOptions {
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
export class KafkaLagProbe implements Probe<KafkaSample> {
  readonly kind = 'kafka' as const;
  private client: KafkaOffsetsClient;
  /** Clients made so far: each starts from the next configured broker (see newClient). */
  private clientsMade = 0;
  private readonly requestListeners: ((request: SentRequest) => void)[] = [];
  private discovered: string[] = [];
  private discoverySupported: boolean | null = null;
  private discoveredAt = 0;
  /** The broker refused ListGroups (its words), or null. */
  private discoveryRefusal: string | null = null;
  /** Every topic the last poll watched, its groups' committed topics included. */
  private lastTopics: string[] = [];
  private readonly now: () => number;

  constructor(
    private readonly connection: KafkaConnectionConfig,
    private readonly watch: KafkaWatch,
    private readonly options: KafkaLagProbeOptions,
  ) {
    this.client = this.newClient();
    this.now = options.now ?? Date.now;
  }

  private newClient(): KafkaOffsetsClient {
    // kafkajs tries the seed brokers in the order given, always from the first,
    // and this client does not retry: with the first configured broker down, every
    // fresh client would fail on it while the rest of the cluster answers. After
    // each reset the next client starts one broker further on the list.
    const seeds = this.connection.brokers;
    const shift = seeds.length > 0 ? this.clientsMade % seeds.length : 0;
    this.clientsMade += 1;
    const client = new KafkaOffsetsClient(
      { ...this.connection, brokers: [...seeds.slice(shift), ...seeds.slice(0, shift)] },
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

  /** A configured group's topics: its own, else the watched ones, else all it committed on. */
  private topicsOf(groupTopics: readonly string[]): TopicSelection {
    if (groupTopics.length > 0) return [...groupTopics];
    return this.watch.topics.length > 0 ? [...this.watch.topics] : 'all';
  }

  private async discover(): Promise<void> {
    if (!this.watch.discoverGroups || this.discoverySupported === false) return;
    if (
      this.discoverySupported !== null &&
      this.now() - this.discoveredAt < GROUP_DISCOVERY_INTERVAL_MS
    ) {
      return;
    }
    let found;
    try {
      found = await this.client.listGroups();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (type !== 'CLUSTER_AUTHORIZATION_FAILED') throw error;
      // Brokers that refuse the listing outright (older versions, custom
      // authorizers): watch the configured groups, and say why.
      this.discoveryRefusal = this.describeFailure(error).message;
      this.discoverySupported = false;
      this.discovered = [];
      this.discoveredAt = this.now();
      return;
    }
    this.discoveryRefusal = null;
    this.discoverySupported = found.supported;
    this.discovered = found.groups;
    this.discoveredAt = this.now();
  }

  /**
   * Why groups come from the configuration, or which configured groups the
   * broker's list leaves out. Kafka lists only the groups a login may
   * DESCRIBE, silently: a configured group missing from the list is the one
   * sign an operator gets that ACLs hide it (or that it never committed).
   */
  private groupsNote(readings: readonly GroupReading[]): string | null {
    if (!this.watch.discoverGroups) return 'group discovery is switched off';
    if (this.discoveryRefusal !== null)
      return `${this.discoveryRefusal}: groups come from the configuration`;
    if (this.discoverySupported === false)
      return 'the broker does not support ListGroups: groups come from the configuration';
    if (this.discoverySupported !== true) return null;
    // The list is refreshed every GROUP_DISCOVERY_INTERVAL_MS: a configured
    // group read fine since then is visible, whatever the older list said.
    const listed = new Set(this.discovered);
    const unlisted = readings
      .filter((g) => g.origin === 'configuration' && !listed.has(g.groupId))
      .filter((g) => g.error !== null || g.committed.size === 0)
      .map((g) => g.groupId);
    if (unlisted.length === 0) return null;
    const user = this.connection.sasl?.username;
    const names = unlisted.slice(0, 5).join(', ') + (unlisted.length > 5 ? ', …' : '');
    return (
      `the broker's group list leaves out ${unlisted.length === 1 ? 'the configured group' : `${unlisted.length} configured groups`} ${names}: ` +
      `${user ? `user "${user}"` : 'this login'} may lack DESCRIBE on ${unlisted.length === 1 ? 'it' : 'them'} ` +
      `(ACLs), or ${unlisted.length === 1 ? 'it has' : 'they have'} not committed yet; watched as configured`
    );
  }

  async poll(): Promise<KafkaSample> {
    const configured = this.watch.groups.map((g) => ({
      groupId: g.groupId,
      topics: this.topicsOf(g.topics),
      origin: 'configuration' as const,
    }));
    const named = new Set<string>(this.watch.topics);
    for (const group of configured) {
      if (group.topics !== 'all') for (const topic of group.topics) named.add(topic);
    }
    // Metadata first: discovery needs to know the brokers. The topics found
    // last time are asked again, so metadata is not re-read on every poll.
    await this.client.watchTopics([...named, ...this.lastTopics]);
    await this.discover();
    const configuredIds = new Set(configured.map((g) => g.groupId));
    // A discovered group's topics come from its committed offsets (one
    // batched OffsetFetch per coordinator asks for all of them), checked
    // against the watched topics where there are any.
    const fromBroker = this.discovered
      .filter((groupId) => !configuredIds.has(groupId))
      .map((groupId) => ({ groupId, topics: 'all' as const, origin: 'broker' as const }));
    const groups = [...configured, ...fromBroker];
    const offsets = await this.client.committedOffsetsOfGroups(groups);
    const watched = new Set(this.watch.topics);
    const groupTopics = groups.map((group, index) => {
      if (group.topics !== 'all') return [...group.topics];
      const found = [...offsets[index]!.committed.keys()].sort();
      return group.origin === 'broker' && watched.size > 0
        ? found.filter((topic) => watched.has(topic))
        : found;
    });

    const topics = new Set<string>(named);
    for (const list of groupTopics) for (const topic of list) topics.add(topic);
    const missing = await this.client.watchTopics([...topics]);
    this.lastTopics = [...topics];
    // Only topics someone named can be reported missing: a group may keep
    // offsets of a deleted topic until they expire.
    const missingTopics = missing.filter((topic) => named.has(topic));

    const logEnd = await this.client.logEndOffsets([...topics]);
    const readings: GroupReading[] = groups.map((group, index) => {
      const result = offsets[index]!;
      return {
        groupId: group.groupId,
        origin: group.origin,
        topics: groupTopics[index]!,
        committed: result.committed,
        error:
          result.error === null
            ? null
            : result.error instanceof GroupOffsetsError
              ? result.error.message
              : this.describeFailure(result.error).message,
      };
    });
    // Every group failing the same way is the cluster failing, not the groups.
    // A group refused by ACLs is that group's problem, even when it is the only one.
    if (
      readings.length > 0 &&
      offsets.every((o) => o.error !== null && !(o.error instanceof GroupOffsetsError))
    )
      throw offsets[0]!.error;

    const brokerSupported = this.discoverySupported === true;
    return {
      brokers: this.client.brokerCount(),
      groupsSource: brokerSupported ? 'broker' : 'configuration',
      groupsSourceNote: this.groupsNote(readings),
      missingTopics,
      logEnd,
      groups: readings,
    };
  }

  describeFailure(error: unknown): ProbeFailure {
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
