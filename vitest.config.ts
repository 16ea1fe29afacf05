import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Two projects: unit tests run fast with no servers; integration tests start
// real PostgreSQL, Redis and Kafka-protocol servers on loopback (sandbox/servers)
// and run one file at a time so two suites never fight over CPU on a 2-core box.
// Component tests (test/unit/components/*.test.tsx) are unit tests that say
// `// @vitest-environment happy-dom` on their first line, so `npm run test:unit`
// runs them with the rest.
export default defineConfig({
  // The same alias as tsconfig.base.json's paths and electron.vite.config.ts.
  resolve: { alias: { '@shared': fileURLToPath(new URL('./src-shared', import.meta.url)) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
