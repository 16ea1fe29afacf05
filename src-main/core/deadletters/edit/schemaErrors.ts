import type { ErrorObject } from 'ajv/dist/2020.js';

export interface SchemaProblem {
  /** JSON Pointer of the offending value, "" for the root. */
  path: string;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function pointer(path: string, segment: string): string {
  return `${path}/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

const quote = (value: unknown): string => JSON.stringify(value);

/**
 * Ajv's messages ("must be equal to one of the allowed values") say less than
 * the ones Sluice showed before it used Ajv, and the edit dialog and its tests
 * read these words, so each keyword keeps its Sluice wording; keywords the old
 * validator did not know fall back to Ajv's own message.
 */
function describe(error: ErrorObject): SchemaProblem {
  const p = error.params as Record<string, unknown>;
  const at = error.instancePath;
  switch (error.keyword) {
    case 'false schema':
      return { path: at, message: 'no value is allowed here' };
    case 'type': {
      const types = Array.isArray(p.type) ? (p.type as string[]) : String(p.type).split(',');
      return { path: at, message: `must be ${types.join(' or ')}, not ${typeOf(error.data)}` };
    }
    case 'enum':
      return {
        path: at,
        message: `must be one of ${(p.allowedValues as unknown[]).map(quote).join(', ')}`,
      };
    case 'const':
      return { path: at, message: `must be ${quote(p.allowedValue)}` };
    case 'minLength':
      return { path: at, message: `must be at least ${String(p.limit)} characters` };
    case 'maxLength':
      return { path: at, message: `must be at most ${String(p.limit)} characters` };
    case 'pattern':
      return { path: at, message: `must match ${String(p.pattern)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: at, message: `must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'multipleOf':
      return { path: at, message: `must be a multiple of ${String(p.multipleOf)}` };
    case 'minItems':
      return { path: at, message: `must have at least ${String(p.limit)} items` };
    case 'maxItems':
      return { path: at, message: `must have at most ${String(p.limit)} items` };
    case 'uniqueItems':
      return {
        path: at,
        message: `items must be unique (item ${Math.max(Number(p.i), Number(p.j))} repeats an earlier one)`,
      };
    case 'required':
      return { path: at, message: `${quote(p.missingProperty)} is required` };
    case 'dependentRequired':
      return {
        path: at,
        message: `${quote(p.missingProperty)} is required when ${quote(p.property)} is present`,
      };
    case 'minProperties':
      return { path: at, message: `must have at least ${String(p.limit)} members` };
    case 'maxProperties':
      return { path: at, message: `must have at most ${String(p.limit)} members` };
    case 'additionalProperties':
      return {
        path: pointer(at, String(p.additionalProperty)),
        message: `${quote(p.additionalProperty)} is not allowed`,
      };
    case 'unevaluatedProperties':
      return {
        path: pointer(at, String(p.unevaluatedProperty)),
        message: `${quote(p.unevaluatedProperty)} is not allowed (no subschema declares it)`,
      };
    case 'unevaluatedItems':
    case 'additionalItems':
      return {
        path: at,
        message: `must have at most ${String(p.limit)} items (no subschema declares the rest)`,
      };
    case 'format':
      return { path: at, message: `must be a valid ${String(p.format)}` };
    case 'anyOf':
      return { path: at, message: 'must match at least one of anyOf' };
    case 'oneOf': {
      const passing = p.passingSchemas;
      // Ajv stops counting at the second branch that matches.
      const count = Array.isArray(passing) ? 'at least 2' : passing == null ? '0' : '1';
      return { path: at, message: `must match exactly one of oneOf (matches ${count})` };
    }
    case 'not':
      return { path: at, message: 'must not match the "not" schema' };
    default:
      return { path: at, message: error.message ?? `fails ${error.keyword}` };
  }
}

/**
 * Turns Ajv's errors into problems. A failed anyOf/oneOf is one problem, as
 * before: the reasons each branch failed (reported by Ajv under the
 * combinator's schema path) are dropped, and so is the "must match then"
 * summary of if/then/else, whose own problems are already listed.
 */
export function toProblems(errors: readonly ErrorObject[], limit: number): SchemaProblem[] {
  const combinators = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => `${e.schemaPath}/`);
  return errors
    .filter((e) => e.keyword !== 'if')
    .filter((e) => !combinators.some((prefix) => e.schemaPath.startsWith(prefix)))
    .slice(0, limit)
    .map(describe);
}
