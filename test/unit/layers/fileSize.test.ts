import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesBelow, repoRoot } from '../../support/sourceFiles';

const repo = repoRoot;

/** Past this a file does more than one thing; split it by what its parts are for. */
const MAX_LINES = 400;
const ROOTS = [
  'src-shared',
  'src-main',
  'src-preload',
  'src-renderer',
  'sandbox',
  'scripts',
  'test',
];
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|css)$/;

const sourceFiles = (directory: string) => filesBelow(directory, SOURCE);

function lineCount(path: string): number {
  const text = readFileSync(path, 'utf8');
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

describe('file size', () => {
  it(`no source, test or script file is over ${MAX_LINES} lines`, () => {
    const files = ROOTS.flatMap((root) => [...sourceFiles(join(repo, root))]);
    expect(files.length).toBeGreaterThan(300);
    const tooLong = files
      .map((path) => ({ path: relative(repo, path), lines: lineCount(path) }))
      .filter((file) => file.lines > MAX_LINES)
      .map((file) => `${file.path}: ${file.lines} lines`);
    expect(tooLong).toEqual([]);
  });
});
