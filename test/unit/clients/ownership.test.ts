import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const RULE_MESSAGE = /src-main\/core\/clients/;

/** Lints text as if it were the file at `path`, with the repository's own eslint.config.js. */
async function clientRuleHits(path: string, text: string): Promise<number> {
  const eslint = new ESLint({ cwd: repo });
  const [result] = await eslint.lintText(text, { filePath: `${repo}${path}` });
  return (result?.messages ?? []).filter(
    (m) => m.ruleId === 'no-restricted-syntax' && RULE_MESSAGE.test(m.message),
  ).length;
}

const CONSTRUCTIONS = `import { createRequire } from 'node:module';
import { Redis, Cluster } from 'ioredis';
import { Kafka } from 'kafkajs';
import pg from 'pg';
const { Pool, Client } = pg;
const require = createRequire(import.meta.url);
export const made = [
  new Redis('redis://127.0.0.1:6379'),
  new Cluster([]),
  new Kafka({ brokers: [] }),
  new pg.Pool({}),
  new pg.Client({}),
  new Pool({}),
  new Client({}),
  require('kafkajs/src/cluster'),
];
`;

describe('one owner per connection (eslint.config.js)', () => {
  it('refuses every ioredis, node-postgres and kafkajs client built in the monitoring code', async () => {
    expect(await clientRuleHits('src-main/core/monitoring/kafka/rogue.ts', CONSTRUCTIONS)).toBe(8);
  }, 60_000);

  it('refuses them anywhere else in the main process too', async () => {
    expect(await clientRuleHits('src-main/core/deadletters/rogue.ts', CONSTRUCTIONS)).toBe(8);
    expect(await clientRuleHits('src-main/serve.ts', CONSTRUCTIONS)).toBe(8);
  }, 60_000);

  it('lets the client factory build them', async () => {
    expect(await clientRuleHits('src-main/core/clients/rogue.ts', CONSTRUCTIONS)).toBe(0);
  }, 60_000);

  it('leaves the sandbox and the tests free to build their own', async () => {
    expect(await clientRuleHits('sandbox/common/rogue.ts', CONSTRUCTIONS)).toBe(0);
    expect(await clientRuleHits('test/integration/rogue.test.ts', CONSTRUCTIONS)).toBe(0);
  }, 60_000);

  it('does not mistake unrelated constructions for clients', async () => {
    const text = `export const ok = [new Map(), new URL('redis://x'), new AbortController()];\n`;
    expect(await clientRuleHits('src-main/core/monitoring/fine.ts', text)).toBe(0);
  }, 60_000);
});
