/**
 * Throwaway real servers on 127.0.0.1 for tests, demos and benchmarks:
 * PostgreSQL 15, Redis 7 and a Kafka-protocol cluster (librdkafka's mock
 * cluster). Each runs in a temp directory on a random port, and is stopped
 * and removed when its owner calls stop(), exits, or is killed.
 */
export { MissingBinaryError, ServerStartError } from './errors';
export { startPostgres } from './postgres';
export type { PostgresServer, StartPostgresOptions } from './postgres';
export { startRedis } from './redis';
export type { RedisServer, StartRedisOptions } from './redis';
export { startKafka } from './kafka';
export type { KafkaCluster, StartKafkaOptions } from './kafka';
