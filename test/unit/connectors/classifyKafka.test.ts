import {
  KafkaJSConnectionError,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSServerDoesNotSupportApiKey,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyConnectionError } from '../../../src-main/core/connectors/classify';
import { NotAuthorisedError } from '../../../src-main/core/connectors/failures';

// kafkajs exports these at run time; its type definitions omit or under-declare them.
import {
  KafkaJSConnectionClosedError,
  SaslAuthenticationError,
  GroupCoordinatorNotFound,
  systemError,
  redisCtx,
  kafkaCtx,
  kafkaRetriesExceeded,
} from './classifyFixtures';

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
