import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * Development only: React fast refresh injects an inline module script and
 * Vite injects CSS as inline <style> elements, both of which the production
 * policy blocks. The dev server's page gets 'unsafe-inline' for scripts and
 * styles; built pages keep the strict policy unchanged.
 */
function devServerCsp(): Plugin {
  return {
    name: 'sluice-dev-server-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
  };
}

// Three builds from one config: the main process (Node, dependencies left
// external and loaded from node_modules), the sandboxed preload (must be a
// single CommonJS file with zod bundled in, since a sandboxed preload cannot
// require from node_modules) and the React renderer (relative base, so the
// same build loads from file:// in Electron and under /t/<token>/ in browser
// mode).
// The shared layer (the contract and pure helpers every layer may use) is
// imported as @shared/..., the same alias tsconfig.base.json declares.
const resolveShared = { alias: { '@shared': resolve(__dirname, 'src-shared') } };

export default defineConfig({
  main: {
    resolve: resolveShared,
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/index.ts'),
          // Worker threads' modules, each its own file beside index.js, where
          // workerModule() in src-main/core/audit/sqliteWorker.ts finds them.
          'verify.worker': resolve(__dirname, 'src-main/core/audit/verify.worker.ts'),
          'export.worker': resolve(__dirname, 'src-main/core/audit/export/export.worker.ts'),
        },
      },
    },
  },
  preload: {
    resolve: resolveShared,
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    base: './',
    resolve: resolveShared,
    plugins: [react(), devServerCsp()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
