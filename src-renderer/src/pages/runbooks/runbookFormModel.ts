import { SluiceError, type Runbook, type RunbookInput } from '@shared/contract';

/** The editor's state: lists are edited as text, one entry per comma or line. */
export interface RunbookFormState {
  id: string | null;
  title: string;
  body: string;
  tags: string;
  errorClasses: string;
  reasonPattern: string;
  alertKinds: string;
  sources: string;
  environments: string;
}

export type RunbookFormField = Exclude<keyof RunbookFormState, 'id'> | 'form';
export type RunbookFieldErrors = Partial<Record<RunbookFormField, string[]>>;

export function emptyRunbookForm(): RunbookFormState {
  return {
    id: null,
    title: '',
    body: '',
    tags: '',
    errorClasses: '',
    reasonPattern: '',
    alertKinds: '',
    sources: '',
    environments: '',
  };
}

export function formFromRunbook(runbook: Runbook): RunbookFormState {
  return {
    id: runbook.id,
    title: runbook.title,
    body: runbook.body,
    tags: runbook.tags.join(', '),
    errorClasses: runbook.match.errorClasses.join('\n'),
    reasonPattern: runbook.match.reasonPattern ?? '',
    alertKinds: runbook.match.alertKinds.join(', '),
    sources: runbook.match.sources.join('\n'),
    environments: runbook.match.environments.join(', '),
  };
}

/** "a, b\nc" -> ["a", "b", "c"]; blanks and repeats dropped, order kept. */
export function splitList(text: string): string[] {
  const seen = new Set<string>();
  const items: string[] = [];
  for (const part of text.split(/[,\n]/)) {
    const item = part.trim();
    if (item && !seen.has(item)) {
      seen.add(item);
      items.push(item);
    }
  }
  return items;
}

export function inputFromForm(form: RunbookFormState): RunbookInput {
  const reasonPattern = form.reasonPattern.trim();
  return {
    ...(form.id ? { id: form.id } : {}),
    title: form.title,
    body: form.body,
    tags: splitList(form.tags),
    match: {
      errorClasses: splitList(form.errorClasses),
      reasonPattern: reasonPattern === '' ? null : reasonPattern,
      alertKinds: splitList(form.alertKinds),
      sources: splitList(form.sources),
      environments: splitList(form.environments),
    },
  };
}

/**
 * The same check the core makes (a case-insensitive RegExp must compile), run
 * while typing so the operator sees the problem before saving. The core's
 * verdict on save is still the one that counts.
 */
export function regexProblem(pattern: string): string | null {
  if (pattern.trim() === '') return null;
  try {
    new RegExp(pattern.trim(), 'i');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : 'not a valid regular expression';
  }
}

const FIELD_BY_PATH: Record<string, RunbookFormField> = {
  title: 'title',
  body: 'body',
  tags: 'tags',
  'match.errorClasses': 'errorClasses',
  'match.reasonPattern': 'reasonPattern',
  'match.alertKinds': 'alertKinds',
  'match.sources': 'sources',
  'match.environments': 'environments',
};

interface Issue {
  path: string[];
  message: string;
}

function issuesOf(details: unknown): Issue[] {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is Issue =>
      typeof issue === 'object' &&
      issue !== null &&
      Array.isArray((issue as Issue).path) &&
      typeof (issue as Issue).message === 'string',
  );
}

/**
 * Maps the core's INVALID_INPUT issues (paths like runbook.match.reasonPattern)
 * onto the editor's fields; anything else is a form-level message. Returns
 * null for errors that are not about the input.
 */
export function runbookFieldErrorsFrom(error: unknown): RunbookFieldErrors | null {
  if (!(error instanceof SluiceError) || error.code !== 'INVALID_INPUT') return null;
  const errors: RunbookFieldErrors = {};
  const add = (field: RunbookFormField, message: string) => {
    (errors[field] ??= []).push(message);
  };
  const issues = issuesOf(error.details);
  if (issues.length === 0) add('form', error.message);
  for (const issue of issues) {
    const path = issue.path[0] === 'runbook' ? issue.path.slice(1) : issue.path;
    let field: RunbookFormField | undefined;
    for (let length = path.length; length > 0 && !field; length -= 1) {
      field = FIELD_BY_PATH[path.slice(0, length).join('.')];
    }
    // A list entry's issue names its position: say which entry.
    const index = field && path.length > 0 ? Number(path[path.length - 1]) : NaN;
    const prefix = Number.isInteger(index) ? `entry ${index + 1}: ` : '';
    add(field ?? 'form', `${prefix}${issue.message}`);
  }
  return errors;
}
