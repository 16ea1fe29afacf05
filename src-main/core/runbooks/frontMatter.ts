import { SluiceError, runbookInputSchema, type RunbookInput } from '@shared/contract';

/**
 * Runbook files: markdown with a front matter block of `key: value` lines
 * between `---` fences. Values that start with `"`, `[` or `{` are JSON (so
 * titles with colons and match rules round-trip exactly); others are plain
 * text. Known keys: title, tags, match.
 *
 *     ---
 *     title: "Worker crash: the write queue grows"
 *     tags: ["redis","worker"]
 *     match: {"alertKinds":["queue-depth"]}
 *     ---
 *     # What is happening ...
 */
export function formatRunbookFile(runbook: {
  title: string;
  tags: string[];
  match: unknown;
  body: string;
}): string {
  return [
    '---',
    `title: ${JSON.stringify(runbook.title)}`,
    `tags: ${JSON.stringify(runbook.tags)}`,
    `match: ${JSON.stringify(runbook.match)}`,
    '---',
    // Exactly one newline is added after the body and removed on reading, so
    // a body round-trips byte for byte.
    `${runbook.body}\n`,
  ].join('\n');
}

export function parseRunbookFile(text: string, fileName: string): RunbookInput {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0] !== '---') {
    throw new SluiceError(
      'INVALID_INPUT',
      `${fileName}:1: front matter must start with a line "---"`,
    );
  }
  const end = lines.indexOf('---', 1);
  if (end < 0)
    throw new SluiceError('INVALID_INPUT', `${fileName}: front matter is not closed by "---"`);
  const fields: Record<string, unknown> = {};
  for (let i = 1; i < end; i += 1) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new SluiceError('INVALID_INPUT', `${fileName}:${i + 1}: expected "key: value"`);
    const key = line.slice(0, colon).trim();
    const raw = line.slice(colon + 1).trim();
    if (/^["[{]/.test(raw)) {
      try {
        fields[key] = JSON.parse(raw);
      } catch (error) {
        throw new SluiceError(
          'INVALID_INPUT',
          `${fileName}:${i + 1}: value of "${key}" is not valid JSON (${(error as Error).message})`,
        );
      }
    } else {
      fields[key] = raw;
    }
  }
  const parsed = runbookInputSchema.safeParse({
    title: fields.title,
    tags: fields.tags,
    match: fields.match,
    body: lines
      .slice(end + 1)
      .join('\n')
      .replace(/\n$/, ''),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SluiceError(
      'INVALID_INPUT',
      `${fileName}: ${issue.path.join('.') || 'front matter'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** A file name for a runbook title: lower-case words joined by dashes. */
export function runbookFileName(title: string, taken: Set<string>): string {
  const base =
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'runbook';
  let name = `${base}.md`;
  for (let n = 2; taken.has(name); n += 1) name = `${base}-${n}.md`;
  taken.add(name);
  return name;
}
