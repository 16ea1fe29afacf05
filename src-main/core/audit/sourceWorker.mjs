// Runs a TypeScript worker module from source (tsx, vitest). Node 20 does not
// pass the main thread's loader hooks to worker threads, so tsx's CommonJS
// hook is registered here, in the thread, before the module (the last argv
// entry) is loaded; the CommonJS hook starts in a third of the time of the ESM
// one, which runs its own loader thread. Built code never uses this file: its
// workers are plain JavaScript files (see sqliteWorker.ts).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const load = createRequire(import.meta.url);
load('tsx/cjs/api').register();
load(fileURLToPath(process.argv.at(-1)));
