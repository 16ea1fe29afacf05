/** Driver errors as the drivers build them, and the contexts the classifier is given, for the classifier tests. */
import * as kafkajs from 'kafkajs';
import {
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import pg from 'pg';
import type { FailureContext } from '../../../src-main/core/connectors/classify';

// kafkajs exports these at run time; its type definitions omit or under-declare them.

export const { KafkaJSConnectionClosedError } = kafkajs as unknown as {
  KafkaJSConnectionClosedError: new (
    message: string,
    meta: { host: string; port: number },
  ) => Error;
};
export const SaslAuthenticationError = KafkaJSSASLAuthenticationError as unknown as new (
  message: string,
) => Error;
export const GroupCoordinatorNotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (
  message: string,
) => Error;

// The error shapes below are the ones node, ioredis 5, node-postgres 8 and
// kafkajs 2 produce (captured against real servers); driver classes are the
// drivers' own where they export them.

export function systemError(
  message: string,
  fields: { code: string; errno?: number; syscall?: string } & Record<string, unknown>,
): Error {
  return Object.assign(new Error(message), fields);
}

export const redisCtx: FailureContext = {
  service: 'redis',
  target: '127.0.0.1:6390',
  user: null,
  tls: false,
  timeoutMs: 5000,
};
export const pgCtx: FailureContext = {
  service: 'postgres',
  target: 'db.internal:5432',
  user: 'sluice',
  tls: false,
  timeoutMs: 5000,
};
export const kafkaCtx: FailureContext = {
  service: 'kafka',
  target: '10.0.0.7:9092, 10.0.0.8:9092',
  user: 'svc-sync',
  tls: false,
  timeoutMs: 5000,
};

export function pgDatabaseError(message: string, code: string): Error {
  const error = new pg.DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = 'FATAL';
  return error;
}

/** kafkajs wraps the last connection error once its (zero) retries are spent. */
export function kafkaRetriesExceeded(cause: Error): Error {
  return new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 0, retryTime: 300 });
}
