/**
 * Throwaway real servers on 127.0.0.1 for tests, demos and benchmarks:
 * PostgreSQL 15, Redis 7 and Apache Kafka 4 (KRaft, from Maven Central), plus
 * librdkafka's mock cluster for faults real Kafka cannot show on demand. Each
 * runs in a temp directory on random ports, and is stopped and removed when
 * its owner calls stop(), exits, or is killed.
 */
export { MissingBinaryError, ServerStartError } from './errors';
export { startPostgres } from './postgres';
export type { PostgresServer, StartPostgresOptions } from './postgres';
export { startRedis } from './redis';
export type { RedisServer, StartRedisOptions } from './redis';
export { startApacheKafka as startKafka } from './apacheKafka';
export type { ApacheKafkaCluster, KafkaClusterOptions, ScramUser } from './apacheKafka';
export { startMockKafka } from './kafka';
export type { KafkaCluster, MockKafkaCluster, StartKafkaOptions } from './kafka';
