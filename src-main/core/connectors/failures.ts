import type {
  ConnectionFailureCause,
  ConnectionTestResult,
  ServiceKind,
} from '@shared/contract/channels/environments';
import { redactText } from '@shared/log/redact';

/** The whole test (connect, handshake, first requests) did not finish in time. */
export class DeadlineExceededError extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeadlineExceededError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The TCP connection opened and then closed before the server said anything a
 * client of this kind understands: usually the wrong service on that port.
 */
export class ClosedBeforeAnswerError extends Error {
  constructor() {
    super('connection closed before the server answered');
    this.name = 'ClosedBeforeAnswerError';
  }
}

/**
 * The server accepted the login but will not let it do what Sluice needs,
 * found by a check of Sluice's own rather than by an error the driver threw.
 * `operation` completes "is not authorised to ...".
 */
export class NotAuthorisedError extends Error {
  readonly operation: string;

  constructor(operation: string) {
    super(`not authorised to ${operation}`);
    this.name = 'NotAuthorisedError';
    this.operation = operation;
  }
}

/**
 * Races `work` against a timer. When the timer wins, `onLate` receives the
 * value if the work completes later, so a late connection can still be closed.
 */
export function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new DeadlineExceededError(timeoutMs));
    }, timeoutMs);
    work.then(
      (value) => {
        if (expired) onLate?.(value);
        else {
          clearTimeout(timer);
          resolve(value);
        }
      },
      (error: unknown) => {
        if (expired) return;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const MASK = '********';

/**
 * Removes every secret from text meant for an operator: URL passwords and
 * password=... pairs (redactText), plus each known secret verbatim and
 * URL-encoded, wherever a driver may have echoed it.
 */
export function scrubSecrets(
  text: string,
  secrets: readonly (string | null | undefined)[],
): string {
  let result = redactText(text);
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      result = result.split(form).join(MASK);
    }
  }
  return result;
}

export function elapsedSince(startedAt: number): number {
  return Math.max(0, Math.round(performance.now() - startedAt));
}

export function failureResult(
  service: ServiceKind,
  cause: ConnectionFailureCause,
  message: string,
  startedAt: number,
  secrets: readonly (string | null | undefined)[],
): ConnectionTestResult {
  return {
    ok: false,
    service,
    cause,
    message: scrubSecrets(message, secrets),
    elapsedMs: elapsedSince(startedAt),
  };
}

/** The password in a URL, if someone left one there despite the config's contract. */
export function urlPassword(url: string): string | null {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : null;
  } catch {
    return null;
  }
}

/** host:port of a URL for messages (never the credentials). */
export function urlTarget(url: string, defaultPort: number): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || defaultPort}`;
  } catch {
    return 'the configured server';
  }
}
