import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, for tests that read the code itself. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Every file below `directory` whose name matches `pattern`, node_modules left out. */
export function* filesBelow(directory: string, pattern: RegExp): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* filesBelow(path, pattern);
    } else if (pattern.test(entry.name)) {
      yield path;
    }
  }
}
