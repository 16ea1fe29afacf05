import pg from 'pg';
import { isSocketErrorCode } from '@shared/net/socketErrors';

/** Message of anything thrown, for logs and dead-letter envelopes. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A short class name for an error: the SQLSTATE-aware name for PostgreSQL errors. */
export function errorClass(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof pg.DatabaseError && typeof code === 'string')
      return `PostgresError:${code}`;
    return error.name || 'Error';
  }
  return typeof error;
}

/**
 * Whether retrying the same operation later may succeed: connection trouble,
 * timeouts, server shutdown, lock and serialization conflicts, resource
 * exhaustion. Data errors (SQLSTATE class 22, constraint violations) are not:
 * the same input fails the same way every time.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (isSocketErrorCode(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      // 08 connection exception, 53 insufficient resources, 57 operator intervention
      // (admin shutdown, query canceled by statement_timeout), 40001 serialization,
      // 40P01 deadlock, 55P03 lock not available.
      return (
        code.startsWith('08') ||
        code.startsWith('53') ||
        code.startsWith('57') ||
        code === '40001' ||
        code === '40P01' ||
        code === '55P03'
      );
    }
  }
  return /Connection terminated|connection (is )?closed|Client has encountered a connection error|timeout/i.test(
    error.message,
  );
}

/**
 * Whether PostgreSQL refused this particular data rather than the request as a
 * whole: data exceptions (SQLSTATE class 22: bad escape, wrong type, out of
 * range), integrity violations (23) and program limits such as an oversized
 * index row (54). The same document fails every time; the others in its batch
 * do not have to.
 */
export function isDocumentError(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError) || typeof error.code !== 'string') return false;
  return error.code.startsWith('22') || error.code.startsWith('23') || error.code.startsWith('54');
}
