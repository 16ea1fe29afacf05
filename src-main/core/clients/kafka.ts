import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { KafkaConnectionConfig } from './config';
import { createKafkaCluster, type CreatedCluster } from './kafkajsCluster';
import {
  DEADLETTER_COMMAND_TIMEOUT_MS,
  DEADLETTER_CONNECT_TIMEOUT_MS,
  DRIVER_GRACE_MS,
  type ClientPurpose,
} from './purposes';

/** kafkajs's SASL options, written once for every purpose. */
export function saslOptions(sasl: NonNullable<KafkaConnectionConfig['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/** The connection test's kafkajs settings: bounded timeouts, no retries, no logging of its own. */
export function kafkaClientConfig(config: KafkaConnectionConfig, timeoutMs: number): KafkaConfig {
  return {
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl ? { rejectUnauthorized: config.sslRejectUnauthorized } : false,
    ...(config.sasl ? { sasl: saslOptions(config.sasl) } : {}),
    // Just behind the test deadline, so a late socket is still closed by the driver.
    connectionTimeout: timeoutMs + DRIVER_GRACE_MS,
    authenticationTimeout: timeoutMs + DRIVER_GRACE_MS,
    requestTimeout: timeoutMs + DRIVER_GRACE_MS,
    enforceRequestTimeout: true,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  };
}

/** What a purpose makes of a kafkajs client (see purposes.ts). */
export function kafkaConfig(
  config: KafkaConnectionConfig,
  purpose: ClientPurpose,
  timeoutMs: number,
): KafkaConfig {
  const base = kafkaClientConfig(config, timeoutMs);
  switch (purpose) {
    case 'connection-test':
      return base;
    case 'monitor':
      // The poll's own deadline is the bound: no grace, since the poller drops the client.
      return { ...base, requestTimeout: timeoutMs, connectionTimeout: timeoutMs };
    case 'group-admin':
      // kafkajs learns brokers and leaders from metadata on the first call, and a
      // coordinator that is loading or moved answers "try again" (each try within timeoutMs).
      return { ...base, retry: { retries: 4, initialRetryTime: 200, maxRetryTime: 2000 } };
    case 'deadletters':
      return {
        ...base,
        clientId: `${config.clientId}-deadletters`,
        connectionTimeout: DEADLETTER_CONNECT_TIMEOUT_MS,
        authenticationTimeout: DEADLETTER_CONNECT_TIMEOUT_MS,
        requestTimeout: DEADLETTER_COMMAND_TIMEOUT_MS,
        retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
      };
  }
}

/** The one place a kafkajs client is constructed; it opens no connection until used. */
export function createKafka(
  config: KafkaConnectionConfig,
  purpose: ClientPurpose,
  timeoutMs: number = DEADLETTER_CONNECT_TIMEOUT_MS,
): Kafka {
  return new Kafka(kafkaConfig(config, purpose, timeoutMs));
}

/**
 * kafkajs's Cluster (the layer under its admin client) with the purpose's
 * settings, for the batched requests the admin client cannot send.
 */
export function createCluster(
  config: KafkaConnectionConfig,
  purpose: ClientPurpose,
  timeoutMs: number,
  metadataMaxAgeMs: number,
): CreatedCluster {
  return createKafkaCluster(kafkaConfig(config, purpose, timeoutMs), metadataMaxAgeMs);
}
