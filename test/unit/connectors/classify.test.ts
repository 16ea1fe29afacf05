import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { classifyConnectionError } from '../../../src-main/core/connectors/classify';
import {
  ClosedBeforeAnswerError,
  DeadlineExceededError,
} from '../../../src-main/core/connectors/failures';

// kafkajs exports these at run time; its type definitions omit or under-declare them.
import { systemError, redisCtx, pgCtx, kafkaCtx, pgDatabaseError } from './classifyFixtures';

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
