import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRunbookFile, parseRunbookFile } from '../../../src-main/core/runbooks/frontMatter';

const match = {
  errorClasses: [],
  reasonPattern: null,
  alertKinds: [],
  sources: [],
  environments: [],
};

describe('runbook front matter (YAML)', () => {
  it('accepts tags typed by hand as a YAML flow list', () => {
    const file = parseRunbookFile(
      '---\ntitle: Worker down\ntags: [redis, worker]\n---\nbody\n',
      'w.md',
    );
    expect(file).toMatchObject({ title: 'Worker down', tags: ['redis', 'worker'], body: 'body' });
  });

  it('accepts block lists, block mappings and comments', () => {
    const file = parseRunbookFile(
      [
        '---',
        '# written by hand',
        'title: "Queue: growing"',
        'tags:',
        '  - redis',
        '  - queue',
        'match:',
        '  alertKinds: [queue-depth]',
        '---',
        'body',
      ].join('\n'),
      'q.md',
    );
    expect(file).toMatchObject({
      title: 'Queue: growing',
      tags: ['redis', 'queue'],
      match: { alertKinds: ['queue-depth'] },
    });
  });

  it('keeps an unquoted scalar as its text, as before', () => {
    expect(parseRunbookFile('---\ntitle: 2024\n---\nb', 'n.md').title).toBe('2024');
  });

  it('names the line of bad YAML', () => {
    expect(() => parseRunbookFile('---\ntitle: ok\ntags: [redis\n---\nbody\n', 'bad.md')).toThrow(
      /^bad\.md:3: value of "tags" is not valid JSON or YAML/,
    );
    expect(() =>
      parseRunbookFile('---\ntitle: ok\n  tags: x\n  - y\n---\nbody\n', 'indent.md'),
    ).toThrow(/^indent\.md:\d: the front matter is not valid YAML/);
    expect(() =>
      parseRunbookFile('---\ntags: []\ntitle: Worker crash: the queue\n---\nb', 'colon.md'),
    ).toThrow(/^colon\.md:3: the front matter is not valid YAML .*double quotes/);
    expect(() => parseRunbookFile('---\ntitle: a\ntitle: b\n---\nb', 'dup.md')).toThrow(
      /^dup\.md:3: .*unique/,
    );
  });

  it('reads back exactly what it writes, for any title and tags', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((t) => t.trim()),
        fc.array(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map((t) => t.trim()),
          { maxLength: 4 },
        ),
        // the file is read line by line, so a body's CR LF reads back as LF
        fc.string({ unit: 'binary', maxLength: 60 }).map((b) => b.replace(/\r/g, '')),
        (title, tags, body) => {
          const runbook = { title, tags, match, body };
          fc.pre(title !== '' && tags.every((t) => t !== ''));
          let parsed;
          try {
            parsed = parseRunbookFile(formatRunbookFile(runbook), 'p.md');
          } catch (error) {
            throw new Error(`${JSON.stringify(runbook)}: ${String(error)}`);
          }
          expect(parsed).toMatchObject({ title, tags, body });
        },
      ),
      { numRuns: 300 },
    );
  });
});
