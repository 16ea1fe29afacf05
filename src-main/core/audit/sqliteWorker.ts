import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Where the SQLite file is and how to load the driver inside a worker thread. */
export interface WorkerDatabase {
  file: string;
  /** better_sqlite3.node for the running ABI (Electron); node_modules' build otherwise. */
  nativeBinding?: string;
}

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Preamble of every worker source: opens its own read-only connection as
 * `db`. Worker sources are plain JavaScript run with `eval: true` so they work
 * the same under tsx, vitest and the bundled main process, where no separate
 * worker file exists.
 */
const OPEN_DATABASE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, Object.assign(
  { readonly: true, fileMustExist: true },
  workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {},
));
`;

export function startSqliteWorker(
  source: string,
  database: WorkerDatabase,
  data: Record<string, unknown>,
): Worker {
  return new Worker(OPEN_DATABASE_SOURCE + source, {
    eval: true,
    workerData: {
      ...data,
      driverPath,
      file: database.file,
      nativeBinding: database.nativeBinding ?? null,
    },
  });
}
