/**
 * Why a client is opened. The purpose decides what the server sees and how
 * the client behaves when things go wrong: its name on the server
 * (CLIENT LIST, pg_stat_activity, broker logs), its timeouts, whether it
 * retries or reconnects, its pool size. Each server kind's module turns a
 * purpose into driver options; nothing else writes those options.
 *
 * - monitor: polls on an interval; fails fast and never retries by itself
 *   (the poller backs off and the next poll opens a fresh connection).
 * - deadletters: the workbench and its replay jobs; whole batches per
 *   command, so long command timeouts, a few quick retries, and a Redis
 *   connection that reconnects in the background.
 * - group-admin: rare operator calls on a short-lived client; a few quick
 *   retries while kafkajs learns the brokers and a coordinator settles.
 * - connection-test: one bounded attempt; no retry at all, so the answer
 *   names the first failure.
 */
export type ClientPurpose = 'monitor' | 'deadletters' | 'group-admin' | 'connection-test';

/** Bound on every connect of the dead-letter workbench. */
export const DEADLETTER_CONNECT_TIMEOUT_MS = 5000;
/** Commands carry whole batches (a Lua move of hundreds of entries, a 10 MB payload). */
export const DEADLETTER_COMMAND_TIMEOUT_MS = 30_000;
export const DEADLETTER_STATEMENT_TIMEOUT_MS = 60_000;
/**
 * PostgreSQL: how long a dead-letter statement waits for a lock before giving
 * way. The application's worker writes the same table; Sluice must not queue
 * behind its row locks (nor make later lock requests queue behind Sluice's).
 * A batch that gives way pauses the job, which retries it once a probe answers.
 */
export const DEADLETTER_LOCK_TIMEOUT_MS = 80;
/** PostgreSQL: a transaction left open (a stalled client) gives its row locks back. */
export const DEADLETTER_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;
/** PostgreSQL monitor polls: read-only, so the only locks they wait for are DDL's. */
export const MONITOR_STATEMENT_TIMEOUT_MS = 5000;
export const MONITOR_LOCK_TIMEOUT_MS = 50;
/** PostgreSQL connection tests run catalog reads only. */
export const CONNECTION_TEST_LOCK_TIMEOUT_MS = 1000;

/** The default bound on a connection test's connect and requests. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/**
 * A connection test's and group admin's driver timers sit just behind their
 * own deadline, so they only matter when a request outlives it and its
 * socket must still be freed.
 */
export const DRIVER_GRACE_MS = 500;
