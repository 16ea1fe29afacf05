import { isMap, isNode, isScalar, parseDocument, type YAMLError } from 'yaml';
import { SluiceError, runbookInputSchema, type RunbookInput } from '@shared/contract';

/**
 * Runbook files: markdown with a YAML front matter block between `---`
 * fences. Sluice writes each value as JSON (valid YAML flow syntax), so titles
 * with colons and match rules round-trip exactly; a hand-written file may use
 * any YAML (`tags: [redis, worker]`, block lists, comments). The yaml package
 * replaced a line-by-line `key: value` reader that refused such files. Known
 * keys: title, tags, match.
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

/** Says which line of the file a YAML error is on; front matter starts on line 2. */
function yamlProblem(fileName: string, frontMatter: string, error: YAMLError): SluiceError {
  const line = error.linePos?.[0].line ?? 1;
  const column = error.linePos?.[0].col;
  const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const where = column === undefined ? '' : `, column ${column}`;
  const text = frontMatter.split('\n')[line - 1] ?? '';
  const pair = /^([^\s#:][^:]*):\s*(.*)$/.exec(text);
  if (pair && /^["[{]/.test(pair[2]!)) {
    return new SluiceError(
      'INVALID_INPUT',
      `${fileName}:${line + 1}: value of "${pair[1]!.trim()}" is not valid JSON or YAML (${reason}${where})`,
    );
  }
  const hint =
    error.code === 'BLOCK_AS_IMPLICIT_KEY' ? '; put a value containing ": " in double quotes' : '';
  return new SluiceError(
    'INVALID_INPUT',
    `${fileName}:${line + 1}: the front matter is not valid YAML (${reason}${where})${hint}`,
  );
}

/**
 * The front matter's top-level fields. A value Sluice wrote as JSON is read
 * with JSON.parse, exactly as it was written; an unquoted scalar stays the
 * text it is (`title: 2024` is the title "2024", as before YAML); anything
 * else is YAML.
 */
function frontMatterFields(frontMatter: string, fileName: string): Record<string, unknown> {
  const doc = parseDocument(frontMatter, { uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) throw yamlProblem(fileName, frontMatter, error);
  const fields: Record<string, unknown> = {};
  if (doc.contents === null) return fields;
  if (!isMap(doc.contents)) {
    throw new SluiceError(
      'INVALID_INPUT',
      `${fileName}:2: front matter must be "key: value" lines`,
    );
  }
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const node = pair.value;
    if (!isNode(node)) {
      fields[key] = '';
      continue;
    }
    const source = node.range ? frontMatter.slice(node.range[0], node.range[1]).trim() : '';
    if (isScalar(node) && node.type === 'PLAIN') {
      fields[key] = source.includes('\n') ? String(node.value) : source;
      continue;
    }
    if (/^["[{]/.test(source)) {
      try {
        fields[key] = JSON.parse(source);
        continue;
      } catch {
        // YAML flow syntax that is not JSON, such as [redis, worker]
      }
    }
    fields[key] = node.toJS(doc);
  }
  return fields;
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
  const fields = frontMatterFields(lines.slice(1, end).join('\n'), fileName);
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
