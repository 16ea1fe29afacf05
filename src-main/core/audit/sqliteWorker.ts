import { Worker } from 'node:worker_threads';

/** Where the SQLite file is and how to load the driver inside a worker thread. */
export interface WorkerDatabase {
  file: string;
  /** better_sqlite3.node for the running ABI (Electron); node_modules' build otherwise. */
  nativeBinding?: string;
}

/**
 * The file of a worker module named `name` next to the calling module (pass
 * its import.meta.url). Worker bodies are real modules (`<name>.ts`), type
 * checked and linted like the rest of the core:
 * - built (electron-vite, out/main): each is its own entry in
 *   electron.vite.config.ts, written as out/main/<name>.js beside index.js,
 *   which holds the calling code;
 * - from source (tsx for browser mode and benchmarks, vitest): the caller's
 *   URL ends in .ts and the worker is the .ts file beside it.
 */
export function workerModule(callerUrl: string, name: string): URL {
  const fromSource = callerUrl.endsWith('.ts');
  // A variable, not a literal, so Vite leaves this URL alone when bundling.
  const file = `./${name}.${fromSource ? 'ts' : 'js'}`;
  return new URL(file, callerUrl);
}

/**
 * Node 20 gives worker threads none of the module loader hooks tsx registers
 * in the main thread, so a .ts worker is started through sourceWorker.mjs,
 * which registers tsx in the thread and then imports the module.
 */
const SOURCE_BOOTSTRAP = './sourceWorker.mjs';

/** Starts a worker module that opens its own read-only connection (openWorkerDatabase). */
export function startSqliteWorker(
  module: URL,
  database: WorkerDatabase,
  data: Record<string, unknown>,
): Worker {
  const workerData = {
    ...data,
    file: database.file,
    nativeBinding: database.nativeBinding ?? null,
  };
  if (module.pathname.endsWith('.ts')) {
    return new Worker(new URL(SOURCE_BOOTSTRAP, import.meta.url), {
      workerData,
      argv: [module.href],
    });
  }
  return new Worker(module, { workerData });
}
