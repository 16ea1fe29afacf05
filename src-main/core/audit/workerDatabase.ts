import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/** What startSqliteWorker gives every worker, beside the worker's own fields. */
export interface SqliteWorkerData {
  file: string;
  /** better_sqlite3.node for the running ABI (Electron); node_modules' build otherwise. */
  nativeBinding: string | null;
}

/**
 * Inside a worker thread: its own read-only connection to the store, the
 * worker's data and the port to answer on.
 */
export function openWorkerDatabase<T extends object>(): {
  db: Database.Database;
  data: SqliteWorkerData & T;
  port: NonNullable<typeof parentPort>;
} {
  if (!parentPort) throw new Error('this module runs only as a worker thread');
  const data = workerData as SqliteWorkerData & T;
  const db = new Database(data.file, {
    readonly: true,
    fileMustExist: true,
    ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}),
  });
  return { db, data, port: parentPort };
}
