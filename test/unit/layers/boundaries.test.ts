import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/tempDir';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const depcruise = join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = join(repo, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

let cleanup: (() => void) | undefined;

afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

/**
 * Lays out a small tree with the repository's folder names and runs the very
 * command `npm run lint` runs (same binary, same .dependency-cruiser.cjs) on it.
 */
async function violationsOf(files: Record<string, string>): Promise<Violation[]> {
  const temp = makeTempDir('sluice-layers-');
  cleanup = temp.cleanup;
  const tree = temp.dir;
  writeFileSync(join(tree, 'tsconfig.node.json'), '{ "compilerOptions": {} }\n');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  const roots = [...new Set(Object.keys(files).map((path) => path.split('/')[0] as string))];
  const { stdout } = await run(
    process.execPath,
    [depcruise, ...roots, '--config', config, '--output-type', 'json'],
    { cwd: tree },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const result = JSON.parse(stdout) as { summary: { violations: Violation[] } };
  return result.summary.violations;
}

const exporting = 'export const value = 1;\n';

describe('the layer rule of npm run lint', () => {
  it('refuses the core importing a host (the HTTP bridge)', async () => {
    const violations = await violationsOf({
      'src-main/bridge/requestBody.ts': exporting,
      'src-main/core/deadletters/validate.ts':
        "export { value } from '../../bridge/requestBody';\n",
    });
    expect(violations.map((v) => v.rule.name)).toEqual(['core-does-not-know-its-hosts']);
    expect(violations[0]?.from).toBe('src-main/core/deadletters/validate.ts');
  });

  it('refuses the renderer importing the core, and the sandbox importing the core', async () => {
    const violations = await violationsOf({
      'src-main/core/store/database.ts': exporting,
      'src-renderer/src/page.ts': "export { value } from '../../src-main/core/store/database';\n",
      'sandbox/worker.ts': "export { value } from '../src-main/core/store/database';\n",
    });
    expect(violations.map((v) => v.rule.name).sort()).toEqual([
      'renderer-sees-only-the-contract',
      'sandbox-sees-only-the-shared-layer',
    ]);
  });

  it('refuses the shared layer importing upwards and the contract importing Node helpers', async () => {
    const violations = await violationsOf({
      'src-main/core/app.ts': exporting,
      'src-shared/log/logger.ts': "export { value } from '../../src-main/core/app';\n",
      'src-shared/contract/index.ts': "export { value } from '../log/logger';\n",
    });
    expect(violations.map((v) => v.rule.name).sort()).toEqual([
      'contract-imports-only-the-contract',
      'shared-is-the-bottom-layer',
    ]);
  });

  it('refuses an import cycle', async () => {
    const violations = await violationsOf({
      'src-main/core/replay/jobRecord.ts': "import './journal';\nexport const a = 1;\n",
      'src-main/core/replay/journal.ts': "import './jobRecord';\nexport const b = 1;\n",
    });
    expect(violations.map((v) => v.rule.name)).toEqual(['no-import-cycles']);
  });

  it('allows the directions the layers go: host → core → shared, renderer → contract', async () => {
    const violations = await violationsOf({
      'src-shared/contract/index.ts': exporting,
      'src-shared/log/logger.ts': "export { value } from '../contract/index';\n",
      'src-main/core/app.ts': "export { value } from '../../src-shared/log/logger';\n",
      'src-main/serve.ts': "export { value } from './core/app';\n",
      'src-renderer/src/page.ts': "export { value } from '../../src-shared/contract/index';\n",
      'sandbox/worker.ts': "export { value } from '../src-shared/log/logger';\n",
      'test/unit/app.test.ts': "export { value } from '../../src-main/core/app';\n",
    });
    expect(violations).toEqual([]);
  });
});
