import { createRequire } from 'node:module';
import type { KafkaConfig } from 'kafkajs';

/**
 * kafkajs's admin client spends more requests than a monitor can afford:
 * fetchTopicOffsets() sends two ListOffsets per topic (high and low) and
 * fetchOffsets() asks for the group coordinator on every call. Its Cluster
 * class (the layer the admin client is built on, with the same connection,
 * TLS and SASL handling) can do what is needed: one ListOffsets per broker
 * covering every watched topic at once, and OffsetFetch straight to a cached
 * coordinator, and its broker connections carry the batched OffsetFetch and
 * FindCoordinator that groupOffsetsProtocol.ts encodes. It is not part of the
 * typed public API, so the few members used are typed here, in this one file.
 */

export interface PartitionOffsetReply {
  partition: number;
  offset: string;
  errorCode?: number;
}

export interface OffsetFetchReply {
  responses: { topic: string; partitions: PartitionOffsetReply[] }[];
  errorCode?: number;
}

/** What kafkajs's Connection.send takes: an encoder for the request, a decoder for its answer. */
export interface RawProtocolRequest<T> {
  request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<unknown> };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: never): Promise<T> };
  /** kafkajs takes the larger of this and the client's requestTimeout. */
  requestTimeout?: number;
}

export interface KafkaBrokerHandle {
  /** ApiVersions of this broker, keyed by API key. */
  versions: Record<string, { minVersion: number; maxVersion: number }> | null;
  /**
   * The broker's connections: requests kafkajs cannot encode (see
   * groupOffsetsProtocol.ts) are sent through them, with the same timeouts,
   * SASL and throttling as kafkajs's own.
   */
  connectionPool: { send<T>(request: RawProtocolRequest<T>): Promise<T> };
  offsetFetch(request: {
    groupId: string;
    topics: { topic: string; partitions: { partition: number }[] }[];
  }): Promise<OffsetFetchReply>;
  offsetCommit(request: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<{
    responses: { topic: string; partitions: { partition: number; errorCode: number }[] }[];
  }>;
  listGroups(): Promise<{ groups: { groupId: string; protocolType: string }[] }>;
  metadata(topics: string[]): Promise<{
    topicMetadata: { topic: string; topicErrorCode: number }[];
  }>;
}

export interface KafkaClusterHandle {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number }[];
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  findGroupCoordinator(request: {
    groupId: string;
  }): Promise<KafkaBrokerHandle & { nodeId?: number }>;
  findGroupCoordinatorMetadata(request: {
    groupId: string;
    coordinatorType?: number;
  }): Promise<{ coordinator: { nodeId: number } }>;
  findBroker(request: { nodeId: string }): Promise<KafkaBrokerHandle>;
  getNodeIds(): number[];
  metadata(request: { topics: string[] }): Promise<{
    topicMetadata: { topic: string; topicErrorCode: number }[];
  }>;
}

/** What the instrumentation emitter hands to a listener of network.request. */
export interface RequestEvent {
  payload: { apiName: string; apiKey: number; apiVersion: number; broker: string };
}

interface InstrumentationEmitter {
  addListener(eventName: string, listener: (event: RequestEvent) => void): void;
}

const require = createRequire(import.meta.url);

type ClusterConstructor = new (options: Record<string, unknown>) => KafkaClusterHandle;
const Cluster = require('kafkajs/src/cluster') as ClusterConstructor;
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
  createLogger(options: { level: number; logCreator: () => () => void }): unknown;
  LEVELS: { NOTHING: number };
};
const defaultSocketFactory = require('kafkajs/src/network/socketFactory') as () => unknown;
const Emitter = require('kafkajs/src/instrumentation/emitter') as new () => InstrumentationEmitter;

export const REQUEST_EVENT = 'network.request';

export interface CreatedCluster {
  cluster: KafkaClusterHandle;
  /** Subscribes to every request sent (for counting). */
  onRequest(listener: (event: RequestEvent['payload']) => void): void;
}

/** Builds a Cluster with the same settings the kafkajs client would give it. */
export function createKafkaCluster(config: KafkaConfig, metadataMaxAgeMs: number): CreatedCluster {
  const emitter = new Emitter();
  const cluster = new Cluster({
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
    socketFactory: defaultSocketFactory(),
    brokers: config.brokers,
    ssl: config.ssl,
    sasl: config.sasl,
    clientId: config.clientId,
    connectionTimeout: config.connectionTimeout,
    authenticationTimeout: config.authenticationTimeout,
    requestTimeout: config.requestTimeout,
    enforceRequestTimeout: config.enforceRequestTimeout,
    retry: config.retry ?? { retries: 0 },
    metadataMaxAge: metadataMaxAgeMs,
    allowAutoTopicCreation: false,
    maxInFlightRequests: null,
    instrumentationEmitter: emitter,
    offsets: new Map(),
  });
  return {
    cluster,
    onRequest(listener) {
      emitter.addListener(REQUEST_EVENT, (event) => listener(event.payload));
    },
  };
}

/** The API key of ListGroups in the Kafka protocol. */
export const LIST_GROUPS_API_KEY = 16;
