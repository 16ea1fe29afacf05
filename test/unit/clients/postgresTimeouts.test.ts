import { describe, expect, it } from 'vitest';
import { poolConfig, type PostgresPurpose } from '../../../src-main/core/clients/postgres';
import { OutageError } from '../../../src-main/core/deadletters/faults';
import { onPostgres, postgresCause } from '../../../src-main/core/deadletters/sources/postgresSql';

const config = { url: 'postgres://sluice@db.internal:1/app', password: null };
const purposes: PostgresPurpose[] = ['monitor', 'deadletters', 'connection-test'];

describe('PostgreSQL pools bound every statement on the server', () => {
  it.each(purposes)('%s: statement_timeout and lock_timeout are set and bounded', (purpose) => {
    const options = poolConfig(config, purpose);
    expect(options.statement_timeout).toBeGreaterThan(0);
    expect(options.statement_timeout).toBeLessThanOrEqual(60_000);
    expect(options.lock_timeout).toBeGreaterThan(0);
    expect(options.lock_timeout).toBeLessThanOrEqual(1000);
  });

  it('dead-letter work gives way to the application within tens of milliseconds', () => {
    const options = poolConfig(config, 'deadletters');
    expect(options.lock_timeout).toBeGreaterThanOrEqual(20);
    expect(options.lock_timeout).toBeLessThanOrEqual(100);
    // A stalled client cannot keep its batch's row locks.
    expect(options.idle_in_transaction_session_timeout).toBeGreaterThan(0);
    expect(options.idle_in_transaction_session_timeout).toBeLessThanOrEqual(30_000);
  });

  it('the monitor keeps a lock_timeout when its caller sets only the statement bound', () => {
    const options = poolConfig(config, 'monitor', { statementTimeoutMs: 2400 });
    expect(options).toMatchObject({ statement_timeout: 2400, lock_timeout: 50 });
    expect(poolConfig(config, 'monitor', { lockTimeoutMs: 10 }).lock_timeout).toBe(10);
  });
});

describe('a statement stopped by a server-side bound', () => {
  const serverError = (code: string, message: string) =>
    Object.assign(new Error(message), { code });

  it('a lock timeout pauses the job with its cause named', async () => {
    const failure = onPostgres(() =>
      Promise.reject(serverError('55P03', 'canceling statement due to lock timeout')),
    );
    await expect(failure).rejects.toBeInstanceOf(OutageError);
    await expect(failure).rejects.toThrow(/locked by another session; gave way at lock_timeout/);
  });

  it('a statement timeout is named as such', () => {
    expect(
      postgresCause(serverError('57014', 'canceling statement due to statement timeout')),
    ).toMatch(/^statement cancelled at statement_timeout .*\(57014\)$/);
  });

  it('any other server error keeps its own description', () => {
    expect(postgresCause(serverError('22P02', 'invalid input syntax'))).toBe(
      'invalid input syntax (22P02)',
    );
  });
});
