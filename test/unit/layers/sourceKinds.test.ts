import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesBelow, repoRoot } from '../../support/sourceFiles';

/**
 * What differs between the kinds of dead-letter source (a Redis list, a Kafka
 * topic, a PostgreSQL table) is said by their adapters in
 * src-main/core/deadletters/sources/ and reaches the renderer as the source
 * view's capabilities (src-shared/contract). Nobody else asks which kind a
 * source is. Replay TARGET kinds (where a replay writes to) are a different
 * thing, looked at by the adapters and by one target module on each side.
 */

const repo = repoRoot;
const ROOTS = ['src-main', 'src-renderer'];
const SOURCE = /\.(ts|tsx)$/;

/** The adapters: the only place a source's kind or class is looked at. */
const ADAPTERS = 'src-main/core/deadletters/sources/';
/** Where a replay target's kind is looked at, besides the adapters. */
const TARGET_MODULES = [
  'src-main/core/deadletters/replay/targetKinds.ts',
  'src-renderer/src/pages/deadletters/targets/',
];
/**
 * Dead-letter code. The literals 'redis', 'kafka' and 'postgres' also name
 * the servers of an environment (connectors, monitoring): those are not
 * source kinds and are not looked for there.
 */
const DEAD_LETTER_CODE = [
  'src-main/core/deadletters/',
  'src-renderer/src/pages/deadletters/',
  'src-renderer/src/queries/deadletters',
];

const SOURCE_KINDS = ['redis', 'kafka', 'postgres'];
const TARGET_KINDS = ['redis-list', 'kafka-topic', 'postgres-table'];

const sourceFiles = (directory: string) => filesBelow(directory, SOURCE);

/** A comparison with one of these string literals: ===, !==, == or != on either side, or a case label. */
function comparisonWith(literals: string[]): RegExp {
  const literal = `['"\`](?:${literals.join('|')})['"\`]`;
  return new RegExp(
    `(?:[!=]==?\\s*${literal})|(?:${literal}\\s*[!=]==?)|(?:\\bcase\\s+${literal}\\s*:)`,
  );
}

const SOURCE_KIND_COMPARISON = comparisonWith(SOURCE_KINDS);
const TARGET_KIND_COMPARISON = comparisonWith(TARGET_KINDS);

/** The classes the adapters' folder exports (RedisListSource, KafkaTopicSource, ...). */
function adapterClasses(): string[] {
  const names = new Set<string>();
  for (const path of sourceFiles(join(repo, ADAPTERS))) {
    for (const match of readFileSync(path, 'utf8').matchAll(
      /export\s+(?:abstract\s+)?class\s+(\w+)/g,
    )) {
      names.add(match[1]!);
    }
  }
  return [...names].sort();
}

/** Comments may speak of kinds; only code is checked. */
function isComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*');
}

/** The lines of one file (path relative to the repository, with /) that ask a source's kind. */
function kindQuestions(path: string, text: string, classes: string[]): string[] {
  if (path.startsWith(ADAPTERS) || path.startsWith('src-shared/contract/')) return [];
  const instanceOf = new RegExp(`\\binstanceof\\s+(?:${classes.join('|')})\\b`);
  const deadLetterCode = DEAD_LETTER_CODE.some((prefix) => path.startsWith(prefix));
  const targetModule = TARGET_MODULES.some((prefix) => path.startsWith(prefix));
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (isComment(line)) return;
    const where = `${path}:${i + 1}: ${line.trim()}`;
    if (instanceOf.test(line)) found.push(`instanceof an adapter class: ${where}`);
    else if (deadLetterCode && SOURCE_KIND_COMPARISON.test(line))
      found.push(`source kind compared: ${where}`);
    else if (!targetModule && TARGET_KIND_COMPARISON.test(line))
      found.push(`replay target kind compared outside the target modules: ${where}`);
  });
  return found;
}

describe('sources keep their own knowledge', () => {
  const classes = adapterClasses();

  it('finds the adapter classes it looks for', () => {
    expect(classes).toEqual(
      expect.arrayContaining([
        'IndexedSource',
        'KafkaTopicSource',
        'PostgresTableSource',
        'RedisListSource',
      ]),
    );
  });

  it('no code outside the adapters asks which kind of source it holds', () => {
    const files = ROOTS.flatMap((root) => [...sourceFiles(join(repo, root))]);
    expect(files.length).toBeGreaterThan(100);
    const questions = files.flatMap((file) =>
      kindQuestions(relative(repo, file).split(sep).join('/'), readFileSync(file, 'utf8'), classes),
    );
    expect(questions).toEqual([]);
  });

  it('would catch an instanceof, a kind comparison and a target switch in the wrong place', () => {
    const replay = 'src-main/core/deadletters/replay/replayService.ts';
    expect(
      kindQuestions(replay, 'if (source instanceof KafkaTopicSource) {', classes),
    ).toHaveLength(1);
    expect(kindQuestions(replay, "if (view.settings.kind === 'kafka') {", classes)).toHaveLength(1);
    expect(kindQuestions(replay, "if ('redis' !== settings.kind) {", classes)).toHaveLength(1);
    expect(kindQuestions(replay, "    case 'postgres':", classes)).toHaveLength(1);
    expect(kindQuestions(replay, "    case 'redis-list':", classes)).toHaveLength(1);
    const page = 'src-renderer/src/pages/deadletters/BrowsePane.tsx';
    expect(
      kindQuestions(page, "canShowResolved={source.settings.kind !== 'redis'}", classes),
    ).toHaveLength(1);
    expect(kindQuestions(page, "kind === 'kafka-topic' ? (", classes)).toHaveLength(1);
  });

  it('leaves the adapters, the target modules, comments and server kinds alone', () => {
    expect(
      kindQuestions('src-main/core/deadletters/sources/kinds.ts', "    case 'redis':", classes),
    ).toEqual([]);
    expect(
      kindQuestions(
        'src-main/core/deadletters/replay/targetKinds.ts',
        "    case 'kafka-topic':",
        classes,
      ),
    ).toEqual([]);
    expect(
      kindQuestions(
        'src-renderer/src/pages/deadletters/targets/targetModel.ts',
        "  if (target?.kind === 'postgres-table') {",
        classes,
      ),
    ).toEqual([]);
    expect(
      kindQuestions('src-main/core/deadletters/replay/planner.ts', "// kind === 'redis'", classes),
    ).toEqual([]);
    // An environment's servers are not dead-letter sources.
    expect(
      kindQuestions('src-main/core/connectors/registry.ts', "    case 'redis':", classes),
    ).toEqual([]);
    // Building a target of a kind is not asking which kind something is.
    expect(
      kindQuestions(
        'src-main/core/deadletters/replay/planner.ts',
        "const target = { kind: 'redis-list', key };",
        classes,
      ),
    ).toEqual([]);
  });
});
