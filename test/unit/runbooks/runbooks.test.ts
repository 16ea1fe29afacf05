import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunbookRepository } from '../../../src-main/core/runbooks/repository';
import { RunbookService } from '../../../src-main/core/runbooks/service';
import { parseRunbookFile } from '../../../src-main/core/runbooks/frontMatter';
import { openStore, type Db } from '../../../src-main/core/store/database';
import { migrations } from '../../../src-main/core/store/migrations';
import { makeTempDir } from '../../support/tempDir';

const DEFAULTS = resolve(__dirname, '../../../resources/runbooks');

let temp: ReturnType<typeof makeTempDir>;
let db: Db;
let service: RunbookService;
let author = 'ada (Ada L.)';

beforeEach(() => {
  temp = makeTempDir('sluice-runbooks-');
  db = openStore({ file: join(temp.dir, 'sluice.db'), migrations });
  service = new RunbookService(new RunbookRepository(db), {
    defaultsDir: DEFAULTS,
    exportsDir: join(temp.dir, 'exports'),
    author: () => author,
  });
});

afterEach(() => {
  db.close();
  temp.cleanup();
});

const poison = {
  title: 'Poison',
  body: '# Poison\nreplay after fixing',
  tags: ['kafka'],
  match: {
    errorClasses: ['PoisonDocumentError'],
    reasonPattern: null,
    alertKinds: [],
    sources: [],
    environments: [],
  },
};

describe('runbooks', () => {
  it('keeps every saved version with who and when', () => {
    const first = service.save(poison);
    author = 'bob';
    const second = service.save({ ...poison, id: first.id, body: '# Poison\nv2' });
    expect(second.version).toBe(2);
    const { runbook, versions } = service.get(first.id);
    expect(runbook.body).toBe('# Poison\nv2');
    expect(versions.map((v) => [v.version, v.author])).toEqual([
      [2, 'bob'],
      [1, 'ada (Ada L.)'],
    ]);
    expect(service.get(first.id, 1).runbook.body).toBe('# Poison\nreplay after fixing');
    expect(() => service.get(first.id, 9)).toThrow(/no version 9/);
  });

  it('matches by error class, alert kind and reason pattern, scoped by source and environment', () => {
    const byClass = service.save(poison);
    const byReason = service.save({
      ...poison,
      title: 'Timeouts',
      match: { ...poison.match, errorClasses: [], reasonPattern: 'time(d)? ?out' },
    });
    const scoped = service.save({
      ...poison,
      title: 'Prod only',
      match: { ...poison.match, environments: ['production'] },
    });
    expect(service.match({ errorClass: 'PoisonDocumentError' }).map((r) => r.id)).toEqual([
      byClass.id,
    ]);
    expect(
      service
        .match({ errorClass: 'PoisonDocumentError', environment: 'production' })
        .map((r) => r.id),
    ).toEqual([scoped.id, byClass.id]);
    expect(service.match({ reason: 'request TIMED OUT after 5s' }).map((r) => r.id)).toEqual([
      byReason.id,
    ]);
    expect(service.match({ errorClass: 'Other' })).toEqual([]);
  });

  it('seeds the default runbooks once, and every default file is valid', () => {
    const files = readdirSync(DEFAULTS).filter((f) => f.endsWith('.md'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) parseRunbookFile(readFileSync(join(DEFAULTS, file), 'utf8'), file);
    expect(service.seedDefaults()).toBe(files.length);
    expect(service.seedDefaults()).toBe(0);
    expect(service.match({ alertKind: 'queue-depth' }).length).toBeGreaterThan(0);
    expect(service.match({ errorClass: 'PoisonDocumentError' })[0]?.title).toMatch(/Poison/);
  });

  it('exports a folder of markdown files that imports back unchanged', () => {
    service.save(poison);
    service.save({
      ...poison,
      title: 'Colons: "quoted" title',
      body: 'body\n---\nnot front matter',
    });
    const { directory, files } = service.exportDirectory();
    expect(files).toBe(2);
    const fresh = new RunbookService(new RunbookRepository(db), {
      defaultsDir: null,
      exportsDir: temp.dir,
      author: () => 'x',
    });
    expect(fresh.importDirectory(directory)).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const file = readdirSync(directory).find((f) => f.startsWith('colons'))!;
    writeFileSync(
      join(directory, file),
      readFileSync(join(directory, file), 'utf8').replace('not front', 'edited'),
    );
    expect(fresh.importDirectory(directory)).toEqual({ created: 0, updated: 1, unchanged: 1 });
  });

  it('refuses a bad file naming the file and line, and imports nothing', () => {
    const dir = join(temp.dir, 'import');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-good.md'), '---\ntitle: Good\n---\nbody\n');
    writeFileSync(
      join(dir, 'b-bad.md'),
      '---\ntitle: Bad\nmatch: {"errorClasses": [}\n---\nbody\n',
    );
    expect(() => service.importDirectory(dir)).toThrow(
      /b-bad\.md:3: value of "match" is not valid JSON/,
    );
    expect(service.list({})).toEqual([]);
    writeFileSync(join(dir, 'b-bad.md'), 'no front matter');
    expect(() => service.importDirectory(dir)).toThrow(/b-bad\.md:1/);
  });

  it('rejects a reason pattern that is not a regular expression', () => {
    expect(() =>
      service.save({ ...poison, match: { ...poison.match, reasonPattern: '(' } }),
    ).toThrow(/regular expression/);
  });
});
