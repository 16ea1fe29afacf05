/**
 * JSON Schema validation of edited dead letters, by Ajv (draft 2020-12 by
 * default, draft 2019-09 and draft-07 when the schema's $schema says so) with
 * ajv-formats. Ajv replaced a hand-written validator that ignored `format`,
 * `unevaluated*` and every $ref outside the document.
 *
 * Two things Ajv would do by default that Sluice must not:
 * - fetch a remote $ref: Ajv only loads schemas through a `loadSchema` option
 *   (compileAsync), which is never given, so a $ref outside the document is
 *   refused when the schema is compiled, naming the ref;
 * - let a user-written `pattern` or `patternProperties` backtrack for minutes
 *   in the main process: each validation runs under node:vm's `timeout`, whose
 *   watchdog interrupts the regular expression engine, so one catastrophic
 *   pattern costs at most VALIDATION_TIMEOUT_MS and becomes a problem naming
 *   the limit. (A linear-time engine such as RE2 would need a native addon;
 *   V8's own linear engine is behind a process-wide flag.)
 */
import vm from 'node:vm';
import Ajv2020 from 'ajv/dist/2020.js';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv from 'ajv';
import type { Options, ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { LRUCache } from 'lru-cache';
import { toProblems, type SchemaProblem } from './schemaErrors';

export type { SchemaProblem } from './schemaErrors';
export type JsonSchema = boolean | { [keyword: string]: unknown };

const MAX_PROBLEMS = 50;
export const VALIDATION_TIMEOUT_MS = 250;

type Draft = '2020-12' | '2019-09' | 'draft-07';
const DRAFTS: Record<string, Draft> = {
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'http://json-schema.org/draft-07/schema': 'draft-07',
};

const OPTIONS: Options = {
  allErrors: true,
  // The type error names the value's actual type, which needs error.data.
  verbose: true,
  // Unknown keywords are ignored, as JSON Schema says they must be, and a
  // schema that was accepted before Ajv (loose types, unknown formats) is
  // still accepted; nothing is printed to the console.
  strict: false,
  logger: false,
  // One engine serves every source: a schema with an $id must not be
  // registered in it, or the next version of the same schema (same $id, edited
  // content) would be refused as "already exists".
  addUsedSchema: false,
};

const engines = new Map<Draft, { compile(schema: JsonSchema): ValidateFunction }>();

function engine(draft: Draft): { compile(schema: JsonSchema): ValidateFunction } {
  let ajv = engines.get(draft);
  if (!ajv) {
    const made =
      draft === '2020-12'
        ? new Ajv2020(OPTIONS)
        : draft === '2019-09'
          ? new Ajv2019(OPTIONS)
          : new Ajv(OPTIONS);
    addFormats(made as Parameters<typeof addFormats>[0]);
    ajv = made;
    engines.set(draft, ajv);
  }
  return ajv;
}

function draftOf(schema: JsonSchema): Draft | { problem: string } {
  if (typeof schema !== 'object' || schema.$schema === undefined) return '2020-12';
  const declared = String(schema.$schema).replace(/#$/, '');
  return (
    DRAFTS[declared] ?? {
      problem: `the JSON Schema declares $schema ${JSON.stringify(schema.$schema)}; Sluice validates draft 2020-12, 2019-09 and draft-07`,
    }
  );
}

function compileProblem(error: unknown): string {
  if (error instanceof Error && 'missingRef' in error) {
    const ref = String((error as Error & { missingRef: string }).missingRef);
    if (ref.startsWith('#')) return `cannot resolve $ref ${ref}`;
    return `the JSON Schema refers to ${ref}, outside the schema: Sluice never fetches a schema over the network; copy the definition under "$defs" and refer to it as "#/$defs/<name>"`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `the JSON Schema is not valid: ${message.replace(/^schema is invalid: /, '')}`;
}

// Compiling costs far more than validating and the same source's schema is
// used for every edit, so compiled validators are kept for the last few texts.
const compiled = new LRUCache<string, { validate: ValidateFunction } | { problem: string }>({
  max: 32,
});

export function compileJsonSchema(
  schema: JsonSchema,
): { validate: ValidateFunction } | { problem: string } {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  const draft = draftOf(schema);
  let result: { validate: ValidateFunction } | { problem: string };
  if (typeof draft === 'object') result = draft;
  else {
    try {
      result = { validate: engine(draft).compile(schema) };
    } catch (error) {
      result = { problem: compileProblem(error) };
    }
  }
  compiled.set(key, result);
  return result;
}

/** Checks a parsed schema for the mistakes that would make validation meaningless. */
export function schemaProblem(schema: unknown): string | null {
  if (typeof schema === 'boolean') return null;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return 'a JSON Schema is an object (or true/false)';
  }
  const result = compileJsonSchema(schema as JsonSchema);
  return 'problem' in result ? result.problem : null;
}

const run = new vm.Script('validate(data)');
const sandbox = vm.createContext({ validate: null, data: null });

export function validateJsonSchema(value: unknown, root: JsonSchema): SchemaProblem[] {
  const result = compileJsonSchema(root);
  if ('problem' in result) return [{ path: '', message: result.problem }];
  const { validate } = result;
  sandbox.validate = validate;
  sandbox.data = value;
  try {
    if (run.runInContext(sandbox, { timeout: VALIDATION_TIMEOUT_MS }) === true) return [];
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      return [
        {
          path: '',
          message: `validation was stopped after ${VALIDATION_TIMEOUT_MS} ms: a "pattern" or "patternProperties" in the schema backtracks too much on this value; simplify the pattern`,
        },
      ];
    }
    if (error instanceof RangeError) {
      return [{ path: '', message: 'the schema nests too deeply (a $ref cycle?)' }];
    }
    throw error;
  } finally {
    sandbox.validate = null;
    sandbox.data = null;
  }
  return toProblems(validate.errors ?? [], MAX_PROBLEMS);
}
