import { ReplyError } from 'ioredis';
import * as kafkajs from 'kafkajs';
import {
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
  KafkaJSServerDoesNotSupportApiKey,
} from 'kafkajs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { classifyConnectionError } from '../../../src-main/core/connectors/classify';
import type { FailureContext } from '../../../src-main/core/connectors/classify';
import {
  ClosedBeforeAnswerError,
  DeadlineExceededError,
  NotAuthorisedError,
} from '../../../src-main/core/connectors/failures';

// kafkajs exports these at run time; its type definitions omit or under-declare them.
const { KafkaJSConnectionClosedError } = kafkajs as unknown as {
  KafkaJSConnectionClosedError: new (
    message: string,
    meta: { host: string; port: number },
  ) => Error;
};
const SaslAuthenticationError = KafkaJSSASLAuthenticationError as unknown as new (
  message: string,
) => Error;
const GroupCoordinatorNotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (
  message: string,
) => Error;

// The error shapes below are the ones node, ioredis 5, node-postgres 8 and
// kafkajs 2 produce (captured against real servers); driver classes are the
// drivers' own where they export them.

function systemError(
  message: string,
  fields: { code: string; errno?: number; syscall?: string } & Record<string, unknown>,
): Error {
  return Object.assign(new Error(message), fields);
}

const redisCtx: FailureContext = {
  service: 'redis',
  target: '127.0.0.1:6390',
  user: null,
  tls: false,
  timeoutMs: 5000,
};
const pgCtx: FailureContext = {
  service: 'postgres',
  target: 'db.internal:5432',
  user: 'sluice',
  tls: false,
  timeoutMs: 5000,
};
const kafkaCtx: FailureContext = {
  service: 'kafka',
  target: '10.0.0.7:9092, 10.0.0.8:9092',
  user: 'svc-sync',
  tls: false,
  timeoutMs: 5000,
};

function pgDatabaseError(message: string, code: string): Error {
  const error = new pg.DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = 'FATAL';
  return error;
}

/** kafkajs wraps the last connection error once its (zero) retries are spent. */
function kafkaRetriesExceeded(cause: Error): Error {
  return new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 0, retryTime: 300 });
}

describe('classifyConnectionError: network failures', () => {
  it('ECONNREFUSED is "refused" and names the address the socket tried', () => {
    const error = systemError('connect ECONNREFUSED 127.0.0.1:6390', {
      errno: -111,
      code: 'ECONNREFUSED',
      syscall: 'connect',
      address: '127.0.0.1',
      port: 6390,
    });
    expect(classifyConnectionError(error, redisCtx)).toEqual({
      cause: 'refused',
      message: 'connection refused by 127.0.0.1:6390',
    });
  });

  it('ENOTFOUND and EAI_AGAIN are "dns" and name the host', () => {
    const notFound = systemError('getaddrinfo ENOTFOUND nohost.invalid', {
      errno: -3008,
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname: 'nohost.invalid',
    });
    expect(classifyConnectionError(notFound, pgCtx)).toEqual({
      cause: 'dns',
      message: 'DNS lookup failed for nohost.invalid',
    });
    const again = systemError('getaddrinfo EAI_AGAIN db.internal', {
      errno: -3001,
      code: 'EAI_AGAIN',
      syscall: 'getaddrinfo',
      hostname: 'db.internal',
    });
    expect(classifyConnectionError(again, pgCtx)).toMatchObject({
      cause: 'dns',
      message: expect.stringMatching(/^DNS lookup failed for db\.internal \(the DNS server/),
    });
  });

  it('ioredis connect timeout (ETIMEDOUT without errno) is "timeout"', () => {
    const error = Object.assign(new Error('connect ETIMEDOUT'), {
      errorno: 'ETIMEDOUT',
      code: 'ETIMEDOUT',
      syscall: 'connect',
    });
    expect(classifyConnectionError(error, redisCtx)).toEqual({
      cause: 'timeout',
      message: 'no answer from 127.0.0.1:6390 within 5 s',
    });
  });

  it('our own deadline is "timeout", with fractional seconds when needed', () => {
    expect(
      classifyConnectionError(new DeadlineExceededError(1500), { ...redisCtx, timeoutMs: 1500 }),
    ).toEqual({ cause: 'timeout', message: 'no answer from 127.0.0.1:6390 within 1.5 s' });
  });

  it('a hang-up before any answer is "protocol", or "tls" when TLS was asked for', () => {
    expect(classifyConnectionError(new ClosedBeforeAnswerError(), redisCtx)).toEqual({
      cause: 'protocol',
      message:
        '127.0.0.1:6390 closed the connection without answering like a Redis server (is that the right port?)',
    });
    const epipe = systemError('write EPIPE', { errno: -32, code: 'EPIPE', syscall: 'write' });
    expect(classifyConnectionError(epipe, redisCtx).cause).toBe('protocol');
    expect(classifyConnectionError(epipe, { ...redisCtx, tls: true })).toMatchObject({
      cause: 'tls',
      message: expect.stringMatching(/^TLS handshake with 127\.0\.0\.1:6390 failed/),
    });
  });

  it('certificate and handshake errors are "tls"', () => {
    const selfSigned = systemError('self-signed certificate', {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(classifyConnectionError(selfSigned, { ...pgCtx, tls: true })).toEqual({
      cause: 'tls',
      message: 'TLS: the certificate of db.internal:5432 is self-signed and not trusted',
    });
    const altName = systemError(
      "Hostname/IP does not match certificate's altnames: Host: db.internal. is not in the cert's altnames: DNS:other",
      { code: 'ERR_TLS_CERT_ALTNAME_INVALID', reason: 'Host: db.internal. is not in the cert' },
    );
    expect(classifyConnectionError(altName, pgCtx).message).toBe(
      'TLS: the certificate of db.internal:5432 does not name that host',
    );
    const wrongVersion = systemError(
      'C0F7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number',
      { code: 'ERR_SSL_WRONG_VERSION_NUMBER', library: 'SSL routines' },
    );
    expect(classifyConnectionError(wrongVersion, redisCtx).cause).toBe('tls');
  });

  it('a certificate from a CA that is not trusted says so, not that it is self-signed', () => {
    // The server sent its private CA along (as Kafka's PEM key store does).
    const inChain = systemError('self-signed certificate in certificate chain', {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const leafOnly = systemError('unable to verify the first certificate', {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    for (const error of [inChain, leafOnly]) {
      expect(classifyConnectionError(error, { ...kafkaCtx, target: '10.0.0.7:9093' })).toEqual({
        cause: 'tls',
        message:
          'TLS: the certificate of 10.0.0.7:9093 is signed by an authority this machine does not trust',
      });
    }
  });

  it('an unreachable network is reported as such', () => {
    const error = systemError('connect EHOSTUNREACH 10.9.9.9:6379', {
      code: 'EHOSTUNREACH',
      syscall: 'connect',
      address: '10.9.9.9',
      port: 6379,
    });
    expect(classifyConnectionError(error, redisCtx)).toEqual({
      cause: 'unknown',
      message: 'no network route to 10.9.9.9:6379 (EHOSTUNREACH)',
    });
  });
});

describe('classifyConnectionError: Redis', () => {
  it('WRONGPASS and NOAUTH replies are "auth"', () => {
    const wrongPass = new ReplyError(
      'WRONGPASS invalid username-password pair or user is disabled.',
    ) as Error;
    Object.assign(wrongPass, { command: { name: 'auth', args: ['hunter2'] } });
    expect(classifyConnectionError(wrongPass, redisCtx)).toEqual({
      cause: 'auth',
      message: 'authentication failed on 127.0.0.1:6390',
    });
    expect(classifyConnectionError(wrongPass, { ...redisCtx, user: 'reader' }).message).toBe(
      'authentication failed for user reader on 127.0.0.1:6390',
    );

    const noAuth = new ReplyError('NOAUTH Authentication required.') as Error;
    expect(classifyConnectionError(noAuth, redisCtx)).toEqual({
      cause: 'auth',
      message: '127.0.0.1:6390 requires a password and none is configured',
    });
  });

  it('a reply the parser cannot read is "protocol"', () => {
    const parserError = Object.assign(
      new Error('Protocol error, got "H" as reply type byte. Please report this.'),
      { name: 'ParserError', offset: 1 },
    );
    expect(classifyConnectionError(parserError, redisCtx)).toEqual({
      cause: 'protocol',
      message: '127.0.0.1:6390 answered, but not like a Redis server (is that the right port?)',
    });
  });

  it('an unrecognised reply stays "unknown" and quotes it', () => {
    const loading = new ReplyError('LOADING Redis is loading the dataset in memory') as Error;
    expect(classifyConnectionError(loading, redisCtx)).toEqual({
      cause: 'unknown',
      message: '127.0.0.1:6390: LOADING Redis is loading the dataset in memory',
    });
  });
});

describe('classifyConnectionError: PostgreSQL', () => {
  it('SQLSTATE 28P01 is "auth" naming the user', () => {
    const error = pgDatabaseError('password authentication failed for user "sluice"', '28P01');
    expect(classifyConnectionError(error, pgCtx)).toEqual({
      cause: 'auth',
      message: 'authentication failed for user sluice on db.internal:5432',
    });
  });

  it('SQLSTATE 28000 is "auth" and quotes the server', () => {
    const error = pgDatabaseError(
      'no pg_hba.conf entry for host "10.1.1.1", user "sluice", database "app", no encryption',
      '28000',
    );
    expect(classifyConnectionError(error, pgCtx)).toMatchObject({
      cause: 'auth',
      message: expect.stringContaining('db.internal:5432 refused the login: no pg_hba.conf entry'),
    });
  });

  it('a server that wants a password the config lacks is "auth"', () => {
    const error = new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string');
    expect(classifyConnectionError(error, pgCtx)).toEqual({
      cause: 'auth',
      message: 'db.internal:5432 asks for a password for user sluice and none is configured',
    });
  });

  it('driver timeouts, hang-ups and refused TLS are classified', () => {
    expect(classifyConnectionError(new Error('timeout expired'), pgCtx).cause).toBe('timeout');
    expect(
      classifyConnectionError(new Error('Connection terminated due to connection timeout'), pgCtx)
        .cause,
    ).toBe('timeout');
    expect(classifyConnectionError(new Error('Connection terminated unexpectedly'), pgCtx)).toEqual(
      {
        cause: 'protocol',
        message:
          'db.internal:5432 closed the connection without answering like a PostgreSQL server (is that the right port?)',
      },
    );
    expect(
      classifyConnectionError(new Error('The server does not support SSL connections'), {
        ...pgCtx,
        tls: true,
      }),
    ).toEqual({ cause: 'tls', message: 'db.internal:5432 does not accept TLS (SSL) connections' });
  });

  it('other server errors stay "unknown" with the SQLSTATE', () => {
    const error = pgDatabaseError('database "nodb" does not exist', '3D000');
    expect(classifyConnectionError(error, pgCtx)).toEqual({
      cause: 'unknown',
      message: 'db.internal:5432: database "nodb" does not exist (SQLSTATE 3D000)',
    });
  });
});

describe('classifyConnectionError: Kafka', () => {
  it('looks through KafkaJSNumberOfRetriesExceeded to the connection error', () => {
    const refused = kafkaRetriesExceeded(
      new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 10.0.0.7:9092', {
        broker: '10.0.0.7:9092',
        code: 'ECONNREFUSED',
      }),
    );
    expect(classifyConnectionError(refused, kafkaCtx)).toEqual({
      cause: 'refused',
      message: 'connection refused by 10.0.0.7:9092',
    });
    const dns = kafkaRetriesExceeded(
      new KafkaJSConnectionError('Connection error: getaddrinfo ENOTFOUND nohost.invalid', {
        broker: 'nohost.invalid:9092',
        code: 'ENOTFOUND',
      }),
    );
    expect(classifyConnectionError(dns, { ...kafkaCtx, target: 'nohost.invalid:9092' })).toEqual({
      cause: 'dns',
      message: 'DNS lookup failed for nohost.invalid',
    });
  });

  it('request and connection timeouts are "timeout" naming the brokers', () => {
    const request = kafkaRetriesExceeded(
      new KafkaJSRequestTimeoutError('Request ApiVersions(key: 18, version: 2) timed out', {
        broker: '10.0.0.7:9092',
        clientId: 'sluice',
        correlationId: 0,
        createdAt: 0,
        sentAt: 0,
        pendingDuration: 0,
      }),
    );
    const expected = {
      cause: 'timeout',
      message: 'no answer from the broker at 10.0.0.7:9092, 10.0.0.8:9092 within 5 s',
    };
    expect(classifyConnectionError(request, kafkaCtx)).toEqual(expected);
    const connect = new KafkaJSConnectionError('Connection timeout', { broker: '10.0.0.7:9092' });
    expect(classifyConnectionError(connect, kafkaCtx)).toEqual(expected);
  });

  it('a closed connection is "protocol" in plain text and "tls" with TLS', () => {
    const closed = kafkaRetriesExceeded(
      new KafkaJSConnectionClosedError('Closed connection', { host: '10.0.0.7', port: 9092 }),
    );
    expect(classifyConnectionError(closed, kafkaCtx)).toEqual({
      cause: 'protocol',
      message:
        '10.0.0.7:9092 closed the connection without answering like a Kafka broker (is that the right port?)',
    });
    const reset = kafkaRetriesExceeded(
      new KafkaJSConnectionError('Connection error: read ECONNRESET', {
        broker: '10.0.0.7:9092',
        code: 'ECONNRESET',
      }),
    );
    expect(classifyConnectionError(reset, { ...kafkaCtx, tls: true }).cause).toBe('tls');
  });

  it('SASL failures and brokers without SASL are "auth"', () => {
    const sasl = new SaslAuthenticationError(
      'SASL PLAIN authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN',
    );
    expect(classifyConnectionError(sasl, kafkaCtx)).toEqual({
      cause: 'auth',
      message:
        'SASL authentication failed for user svc-sync on 10.0.0.7:9092, 10.0.0.8:9092: the broker refused the user name or password (PLAIN)',
    });
    // Any other SASL failure keeps the driver's words.
    const other = new SaslAuthenticationError(
      'SASL SCRAM SHA512 authentication failed: nonce mismatch',
    );
    expect(classifyConnectionError(other, kafkaCtx).message).toBe(
      'SASL authentication failed for user svc-sync on 10.0.0.7:9092, 10.0.0.8:9092: SASL SCRAM SHA512 authentication failed: nonce mismatch',
    );
    const noSasl = new KafkaJSServerDoesNotSupportApiKey(
      'The Kafka server does not support the requested API version',
      { apiKey: 17, apiName: 'SaslHandshake' },
    );
    expect(classifyConnectionError(noSasl, kafkaCtx)).toEqual({
      cause: 'auth',
      message: 'the broker at 10.0.0.7:9092, 10.0.0.8:9092 does not accept SASL logins',
    });
    const unauthorized = new KafkaJSProtocolError({
      message: 'Cluster authorization failed',
      type: 'CLUSTER_AUTHORIZATION_FAILED',
      code: 31,
      retriable: false,
    } as unknown as Error);
    expect(classifyConnectionError(unauthorized, kafkaCtx).cause).toBe('auth');
  });

  it('authorization failures say who is not authorised to do what, keeping the code', () => {
    // kafkajs's messages for these types (captured against Apache Kafka 4.1).
    const refusal = (type: string, code: number, message: string): Error =>
      new KafkaJSProtocolError({ message, type, code, retriable: false } as unknown as Error);
    const broker = { ...kafkaCtx, target: '10.0.0.7:9092' };
    expect(
      classifyConnectionError(
        refusal(
          'TOPIC_AUTHORIZATION_FAILED',
          29,
          'Not authorized to access topics: [Topic authorization failed]',
        ),
        broker,
      ),
    ).toEqual({
      cause: 'auth',
      message:
        'the broker at 10.0.0.7:9092 refused: user svc-sync is not authorised to describe or use a topic this request names (TOPIC_AUTHORIZATION_FAILED)',
    });
    expect(
      classifyConnectionError(
        refusal(
          'GROUP_AUTHORIZATION_FAILED',
          30,
          'Not authorized to access group: Group authorization failed',
        ),
        { ...broker, user: null },
      ),
    ).toEqual({
      cause: 'auth',
      message:
        'the broker at 10.0.0.7:9092 refused: the anonymous login (no user name configured) is not authorised to use the consumer group this request names (GROUP_AUTHORIZATION_FAILED)',
    });
    expect(
      classifyConnectionError(
        refusal('CLUSTER_AUTHORIZATION_FAILED', 31, 'Cluster authorization failed'),
        broker,
      ).message,
    ).toBe(
      'the broker at 10.0.0.7:9092 refused: user svc-sync is not authorised to make this cluster-wide request (CLUSTER_AUTHORIZATION_FAILED)',
    );
    expect(classifyConnectionError(new NotAuthorisedError('describe any topic'), broker)).toEqual({
      cause: 'auth',
      message:
        'the broker at 10.0.0.7:9092 refused: user svc-sync is not authorised to describe any topic',
    });
  });

  it('a group coordinator nobody names may be a denied group: the words say both', () => {
    const error = new GroupCoordinatorNotFound('Failed to find group coordinator');
    expect(classifyConnectionError(error, kafkaCtx)).toEqual({
      cause: 'unknown',
      message:
        'no broker at 10.0.0.7:9092, 10.0.0.8:9092 named a coordinator for the consumer group: either user svc-sync is not authorised to describe that group, or its coordinator is not available yet',
    });
  });
});

describe('classifyConnectionError: anything else', () => {
  it('is "unknown", names the target and masks URL passwords it quotes', () => {
    const error = new Error('unexpected reply from redis://:hunter2@127.0.0.1:6390');
    expect(classifyConnectionError(error, redisCtx)).toEqual({
      cause: 'unknown',
      message: '127.0.0.1:6390: unexpected reply from redis://:********@127.0.0.1:6390',
    });
    expect(classifyConnectionError('a string', redisCtx)).toEqual({
      cause: 'unknown',
      message: '127.0.0.1:6390: a string',
    });
  });

  it('finds a cause inside an AggregateError (dual-stack connect attempts)', () => {
    const v6 = systemError('connect ECONNREFUSED ::1:6390', {
      code: 'ECONNREFUSED',
      address: '::1',
      port: 6390,
    });
    const v4 = systemError('connect ECONNREFUSED 127.0.0.1:6390', {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 6390,
    });
    const aggregate = new AggregateError([v6, v4], '');
    expect(classifyConnectionError(aggregate, redisCtx).cause).toBe('refused');
  });
});
