import type { ConnectionFailureCause, ServiceKind } from '@shared/contract/channels/environments';
import { redactText } from '@shared/log/redact';
import { socketErrorKind } from '@shared/net/socketErrors';
import { ClosedBeforeAnswerError, DeadlineExceededError, NotAuthorisedError } from './failures';

/** What the classifier knows about the attempt, for words that name the target. */
export interface FailureContext {
  service: ServiceKind;
  /** host:port (or a list of them) the client was talking to. */
  target: string;
  /** The login name, when the service has one. */
  user: string | null;
  /** The client was asked to speak TLS. */
  tls: boolean;
  timeoutMs: number;
}

export interface Classification {
  cause: ConnectionFailureCause;
  /** Operator words naming the target; may still need secrets scrubbed. */
  message: string;
}

type ErrorLike = {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
  apiName?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  broker?: unknown;
  cause?: unknown;
  errors?: unknown;
};

const TLS_CODES = new Set([
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);
const TLS_CODE_PREFIXES = ['ERR_TLS_', 'ERR_SSL_', 'ERR_OSSL_', 'CERT_'];
/**
 * Kafka protocol error types that mean "logged in, but not allowed", with what
 * the request was refused, completing "is not authorised to ...". The broker
 * does not say which topic or group: only the kind of resource.
 */
const KAFKA_NOT_AUTHORISED = new Map([
  ['TOPIC_AUTHORIZATION_FAILED', 'describe or use a topic this request names'],
  ['GROUP_AUTHORIZATION_FAILED', 'use the consumer group this request names'],
  ['CLUSTER_AUTHORIZATION_FAILED', 'make this cluster-wide request'],
  ['TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'use the transactional id this request names'],
]);
const POSTGRES_AUTH_SQLSTATES = new Set(['28P01', '28000']);

// node-postgres and ioredis raise some failures as plain Errors with no code;
// their fixed texts are the only signal, so they are matched here and nowhere else.
const PG_TIMEOUT_TEXT =
  /^(timeout expired|Connection terminated due to connection timeout|timeout exceeded when trying to connect)$/;
const PG_CLOSED_TEXT = /^Connection terminated unexpectedly$/;
const PG_NO_PASSWORD_TEXT = /^SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a/;
const PG_NO_SSL_TEXT = /^The server does not support SSL connections$/;
const PG_BAD_RESPONSE_TEXT = /^received invalid response/;
const IOREDIS_TIMEOUT_TEXT = /^Command timed out$/;
const KAFKAJS_CONNECT_TIMEOUT_TEXT = /^Connection timeout$/;
const KAFKAJS_CLOSED_TEXT = /^Connection closed by the server$/;
// What Apache Kafka says when SCRAM or PLAIN credentials do not match; kafkajs
// puts it in the message of its SASL error.
const KAFKA_BAD_CREDENTIALS_TEXT = /invalid credentials|invalid username or password/i;
const KAFKA_SASL_MECHANISM_TEXT = /with SASL mechanism ([A-Z0-9-]+)/;

const SERVER_NAMES: Record<ServiceKind, string> = {
  redis: 'a Redis server',
  postgres: 'a PostgreSQL server',
  kafka: 'a Kafka broker',
};

function asErrorLike(value: unknown): ErrorLike | null {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The error, then its causes and aggregated errors, outermost first. */
function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 12) {
    const item = asErrorLike(queue.shift());
    if (!item || chain.includes(item)) continue;
    chain.push(item);
    if (item.cause !== undefined) queue.push(item.cause);
    if (Array.isArray(item.errors)) queue.push(...(item.errors as unknown[]));
  }
  return chain;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Where the error says it was talking to, else the configured target. */
function endpoint(error: ErrorLike, ctx: FailureContext): string {
  const address = str(error.address);
  if (address && typeof error.port === 'number') return `${address}:${error.port}`;
  const broker = str(error.broker);
  if (broker && /:\d+$/.test(broker)) return broker;
  return ctx.target;
}

/** "the broker at host:port" for Kafka, where the target may list several; else the target. */
function server(ctx: FailureContext): string {
  return ctx.service === 'kafka' ? `the broker at ${ctx.target}` : ctx.target;
}

function timeoutMessage(ctx: FailureContext): string {
  return `no answer from ${server(ctx)} within ${seconds(ctx.timeoutMs)}`;
}

/** Names the principal the server judged: without a login name, the anonymous one. */
function principal(ctx: FailureContext): string {
  return ctx.user ? `user ${ctx.user}` : 'the anonymous login (no user name configured)';
}

function notAuthorised(ctx: FailureContext, operation: string, code?: string): Classification {
  return {
    cause: 'auth',
    message: `${server(ctx)} refused: ${principal(ctx)} is not authorised to ${operation}${code ? ` (${code})` : ''}`,
  };
}

function closedMessage(error: ErrorLike, ctx: FailureContext): Classification {
  const where = endpoint(error, ctx);
  if (ctx.tls) {
    return {
      cause: 'tls',
      message: `TLS handshake with ${where} failed: the server closed the connection (does it speak TLS on that port?)`,
    };
  }
  return {
    cause: 'protocol',
    message: `${where} closed the connection without answering like ${SERVER_NAMES[ctx.service]} (is that the right port?)`,
  };
}

function forUser(ctx: FailureContext): string {
  return ctx.user ? ` for user ${ctx.user}` : '';
}

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || TLS_CODE_PREFIXES.some((prefix) => code.startsWith(prefix));
}

function tlsMessage(code: string, error: ErrorLike, ctx: FailureContext): string {
  const where = endpoint(error, ctx);
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return `TLS: the certificate of ${where} is self-signed and not trusted`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `TLS: the certificate of ${where} has expired`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return `TLS: the certificate of ${where} does not name that host`;
  }
  // SELF_SIGNED_CERT_IN_CHAIN: the server sent its CA along, and that CA (a
  // self-signed root) is not one this machine trusts; the certificate itself is not self-signed.
  if (code.startsWith('UNABLE_TO_') || code === 'SELF_SIGNED_CERT_IN_CHAIN') {
    return `TLS: the certificate of ${where} is signed by an authority this machine does not trust`;
  }
  return `TLS handshake with ${where} failed: ${redactText(str(error.message) ?? code)}`;
}

function classifyRedisReply(message: string, ctx: FailureContext): Classification | null {
  const word = message.split(' ', 1)[0];
  if (word === 'WRONGPASS' || message.startsWith('ERR invalid password')) {
    return { cause: 'auth', message: `authentication failed${forUser(ctx)} on ${ctx.target}` };
  }
  if (word === 'NOAUTH') {
    return { cause: 'auth', message: `${ctx.target} requires a password and none is configured` };
  }
  if (word === 'NOPERM') {
    return {
      cause: 'auth',
      message: `user ${ctx.user ?? 'default'} may not run this command on ${ctx.target}`,
    };
  }
  return null;
}

/** One link of the chain; null when this link says nothing decisive. */
function classifyOne(error: ErrorLike, ctx: FailureContext): Classification | null {
  if (error instanceof DeadlineExceededError) {
    return { cause: 'timeout', message: timeoutMessage(ctx) };
  }
  if (error instanceof ClosedBeforeAnswerError) return closedMessage(error, ctx);
  if (error instanceof NotAuthorisedError) return notAuthorised(ctx, error.operation);

  const name = str(error.name) ?? '';
  const message = str(error.message) ?? '';
  const code = str(error.code);

  const socket = socketErrorKind(code);
  if (code && socket === 'dns') {
    const host = str(error.hostname) ?? ctx.target.replace(/:\d+$/, '');
    const detail = code === 'EAI_AGAIN' ? ' (the DNS server did not answer; try again)' : '';
    return { cause: 'dns', message: `DNS lookup failed for ${host}${detail}` };
  }
  if (socket === 'refused') {
    return { cause: 'refused', message: `connection refused by ${endpoint(error, ctx)}` };
  }
  if (socket === 'timeout') return { cause: 'timeout', message: timeoutMessage(ctx) };
  if (code && isTlsCode(code)) return { cause: 'tls', message: tlsMessage(code, error, ctx) };
  if (socket === 'unreachable') {
    return { cause: 'unknown', message: `no network route to ${endpoint(error, ctx)} (${code})` };
  }
  if (socket === 'closed') return closedMessage(error, ctx);

  switch (ctx.service) {
    case 'postgres':
      if (code && POSTGRES_AUTH_SQLSTATES.has(code)) {
        return code === '28P01'
          ? { cause: 'auth', message: `authentication failed${forUser(ctx)} on ${ctx.target}` }
          : { cause: 'auth', message: `${ctx.target} refused the login: ${redactText(message)}` };
      }
      if (PG_NO_PASSWORD_TEXT.test(message)) {
        return {
          cause: 'auth',
          message: `${ctx.target} asks for a password${forUser(ctx)} and none is configured`,
        };
      }
      if (PG_TIMEOUT_TEXT.test(message)) return { cause: 'timeout', message: timeoutMessage(ctx) };
      if (PG_NO_SSL_TEXT.test(message)) {
        return { cause: 'tls', message: `${ctx.target} does not accept TLS (SSL) connections` };
      }
      if (PG_CLOSED_TEXT.test(message)) return closedMessage(error, ctx);
      if (PG_BAD_RESPONSE_TEXT.test(message)) {
        return {
          cause: 'protocol',
          message: `${ctx.target} answered, but not like a PostgreSQL server (is that the right port?)`,
        };
      }
      return null;
    case 'redis':
      if (name === 'ReplyError') return classifyRedisReply(message, ctx);
      if (name === 'ParserError') {
        return {
          cause: 'protocol',
          message: `${ctx.target} answered, but not like a Redis server (is that the right port?)`,
        };
      }
      if (IOREDIS_TIMEOUT_TEXT.test(message)) {
        return { cause: 'timeout', message: timeoutMessage(ctx) };
      }
      return null;
    case 'kafka':
      return classifyKafka(error, name, message, ctx);
  }
}

function classifyKafka(
  error: ErrorLike,
  name: string,
  message: string,
  ctx: FailureContext,
): Classification | null {
  if (name === 'KafkaJSSASLAuthenticationError') {
    const mechanism = KAFKA_SASL_MECHANISM_TEXT.exec(message)?.[1];
    // Kafka gives the same answer for an unknown user and a wrong password.
    const reason = KAFKA_BAD_CREDENTIALS_TEXT.test(message)
      ? `the broker refused the user name or password${mechanism ? ` (${mechanism})` : ''}`
      : redactText(message);
    return {
      cause: 'auth',
      message: `SASL authentication failed${forUser(ctx)} on ${endpoint(error, ctx)}: ${reason}`,
    };
  }
  if (name === 'KafkaJSServerDoesNotSupportApiKey') {
    const api = str(error.apiName) ?? 'unknown';
    if (api.startsWith('Sasl')) {
      return { cause: 'auth', message: `the broker at ${ctx.target} does not accept SASL logins` };
    }
    return {
      cause: 'protocol',
      message: `the broker at ${ctx.target} does not support the ${api} request`,
    };
  }
  const type = str(error.type);
  // Apache Kafka answers a SASL handshake on a listener without SASL with
  // ILLEGAL_SASL_STATE (older brokers and the mock lack the API altogether).
  if (name === 'KafkaJSProtocolError' && type === 'ILLEGAL_SASL_STATE') {
    return { cause: 'auth', message: `the broker at ${ctx.target} does not accept SASL logins` };
  }
  if (name === 'KafkaJSProtocolError' && type === 'SASL_AUTHENTICATION_FAILED') {
    return {
      cause: 'auth',
      message: `the broker at ${ctx.target} refused the login${forUser(ctx)} (${type})`,
    };
  }
  if (name === 'KafkaJSProtocolError' && type === 'UNSUPPORTED_SASL_MECHANISM') {
    return {
      cause: 'auth',
      message: `the broker at ${ctx.target} does not offer the configured SASL mechanism (${type})`,
    };
  }
  const refused = type === undefined ? undefined : KAFKA_NOT_AUTHORISED.get(type);
  if (name === 'KafkaJSProtocolError' && type && refused) return notAuthorised(ctx, refused, type);
  // kafkajs asks each broker for the group's coordinator and, when all fail,
  // throws this without their answers: a denied group (GROUP_AUTHORIZATION_FAILED)
  // and a coordinator still starting look the same from here.
  if (name === 'KafkaJSGroupCoordinatorNotFound') {
    return {
      cause: 'unknown',
      message: `no broker at ${ctx.target} named a coordinator for the consumer group: either ${principal(ctx)} is not authorised to describe that group, or its coordinator is not available yet`,
    };
  }
  if (name === 'KafkaJSRequestTimeoutError') {
    return { cause: 'timeout', message: timeoutMessage(ctx) };
  }
  if (name === 'KafkaJSConnectionError' && KAFKAJS_CONNECT_TIMEOUT_TEXT.test(message)) {
    return { cause: 'timeout', message: timeoutMessage(ctx) };
  }
  if (
    name === 'KafkaJSConnectionClosedError' ||
    (name === 'KafkaJSConnectionError' && KAFKAJS_CLOSED_TEXT.test(message))
  ) {
    return closedMessage(error, ctx);
  }
  return null;
}

/**
 * Maps whatever a driver threw while connecting to a cause and operator
 * words. Pure: the same error and context give the same answer.
 */
export function classifyConnectionError(error: unknown, ctx: FailureContext): Classification {
  const chain = errorChain(error);
  for (const link of chain) {
    const classification = classifyOne(link, ctx);
    if (classification) return classification;
  }
  const first = chain[0];
  const text = redactText(
    (first && str(first.message)) || (typeof error === 'string' ? error : 'unexpected error'),
  );
  const sqlState = ctx.service === 'postgres' && first ? str(first.code) : undefined;
  return {
    cause: 'unknown',
    message: `${ctx.target}: ${text}${sqlState ? ` (SQLSTATE ${sqlState})` : ''}`,
  };
}
