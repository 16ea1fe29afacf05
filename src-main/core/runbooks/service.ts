import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SluiceError,
  runbookInputSchema,
  type Runbook,
  type RunbookInput,
  type RunbookMatchContext,
} from '@shared/contract';
import { formatRunbookFile, parseRunbookFile, runbookFileName } from './frontMatter';
import { matchRunbooks } from './matching';
import type { RunbookRepository } from './repository';

export interface RunbookServiceOptions {
  /** Where the default runbooks shipped with Sluice live (resources/runbooks). */
  defaultsDir: string | null;
  /** Where exports go when no directory is given. */
  exportsDir: string;
  /** "os user (display name)" of whoever saves. */
  author(): string;
}

function sameContent(a: Runbook, b: ReturnType<typeof runbookInputSchema.parse>): boolean {
  return (
    a.title === b.title &&
    a.body === b.body &&
    JSON.stringify(a.tags) === JSON.stringify(b.tags) &&
    JSON.stringify(a.match) === JSON.stringify(b.match)
  );
}

export class RunbookService {
  constructor(
    private readonly repository: RunbookRepository,
    private readonly options: RunbookServiceOptions,
  ) {}

  /** On a store with no runbooks at all, load the defaults once. */
  seedDefaults(): number {
    const dir = this.options.defaultsDir;
    if (!dir || !existsSync(dir) || this.repository.count() > 0) return 0;
    return this.importDirectory(dir).created;
  }

  list(filter: { text?: string; tag?: string }): Runbook[] {
    const text = filter.text?.toLowerCase();
    return this.repository.listCurrent().filter((runbook) => {
      if (filter.tag && !runbook.tags.includes(filter.tag)) return false;
      if (text && !`${runbook.title}\n${runbook.body}`.toLowerCase().includes(text)) return false;
      return true;
    });
  }

  get(id: string, version?: number) {
    const runbook = this.repository.get(id, version);
    if (!runbook) {
      throw new SluiceError(
        'NOT_FOUND',
        version === undefined
          ? `no runbook with id ${id}`
          : `runbook ${id} has no version ${version}`,
      );
    }
    return { runbook, versions: this.repository.versions(id) };
  }

  save(input: RunbookInput): Runbook {
    const content = runbookInputSchema.parse(input);
    if (content.id && !this.repository.get(content.id)) {
      throw new SluiceError('NOT_FOUND', `no runbook with id ${content.id}`);
    }
    return this.repository.saveVersion(content.id ?? null, content, this.options.author());
  }

  remove(id: string): void {
    if (!this.repository.remove(id)) throw new SluiceError('NOT_FOUND', `no runbook with id ${id}`);
  }

  match(context: RunbookMatchContext): Runbook[] {
    return matchRunbooks(this.repository.listCurrent(), context);
  }

  exportDirectory(directory?: string): { directory: string; files: number } {
    const target =
      directory ??
      join(this.options.exportsDir, `runbooks-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(target, { recursive: true });
    const taken = new Set<string>();
    const runbooks = this.repository.listCurrent();
    for (const runbook of runbooks) {
      writeFileSync(
        join(target, runbookFileName(runbook.title, taken)),
        formatRunbookFile(runbook),
        'utf8',
      );
    }
    return { directory: target, files: runbooks.length };
  }

  /**
   * Reads every .md file of a folder. All files are parsed before anything is
   * saved, so one bad file stops the import with its name and line and
   * nothing half-imported.
   */
  importDirectory(directory: string): { created: number; updated: number; unchanged: number } {
    if (!existsSync(directory))
      throw new SluiceError('NOT_FOUND', `folder ${directory} does not exist`);
    const files = readdirSync(directory)
      .filter((name) => name.toLowerCase().endsWith('.md'))
      .sort();
    const parsed = files.map((name) =>
      runbookInputSchema.parse(parseRunbookFile(readFileSync(join(directory, name), 'utf8'), name)),
    );
    const byTitle = new Map(this.repository.listCurrent().map((r) => [r.title.toLowerCase(), r]));
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const content of parsed) {
      const existing = byTitle.get(content.title.toLowerCase());
      if (existing && sameContent(existing, content)) {
        counts.unchanged += 1;
        continue;
      }
      const saved = this.repository.saveVersion(
        existing?.id ?? null,
        content,
        this.options.author(),
      );
      byTitle.set(saved.title.toLowerCase(), saved);
      counts[existing ? 'updated' : 'created'] += 1;
    }
    return counts;
  }
}
