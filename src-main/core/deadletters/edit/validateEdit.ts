import type { EditValidation } from '@shared/contract';
import { locateJsonSyntaxError } from '@shared/jsonSyntax';
import { schemaProblem, validateJsonSchema, type JsonSchema } from './jsonSchema';

/** Parses a source's JSON Schema text; the message names line and column when it is not JSON. */
export function parseSchemaText(text: string): { schema: JsonSchema } | { problem: string } {
  const syntax = locateJsonSyntaxError(text);
  if (syntax) {
    return {
      problem: `the JSON Schema is not JSON: ${syntax.reason} at line ${syntax.line} column ${syntax.column}`,
    };
  }
  const schema = JSON.parse(text) as unknown;
  const problem = schemaProblem(schema);
  return problem === null ? { schema: schema as JsonSchema } : { problem };
}

/**
 * Checks an edited payload: JSON syntax first (with line and column), then
 * the source's JSON Schema if it has one.
 */
export function validateEdit(text: string, schemaText: string | null): EditValidation {
  const syntax = locateJsonSyntaxError(text);
  if (syntax) {
    return {
      ok: false,
      syntax: { line: syntax.line, column: syntax.column, message: syntax.reason },
      schema: [],
    };
  }
  if (schemaText === null || schemaText.trim() === '')
    return { ok: true, syntax: null, schema: [] };
  const parsed = parseSchemaText(schemaText);
  if ('problem' in parsed) {
    return { ok: false, syntax: null, schema: [{ path: '', message: parsed.problem }] };
  }
  const problems = validateJsonSchema(JSON.parse(text), parsed.schema);
  return {
    ok: problems.length === 0,
    syntax: null,
    schema: problems.map((p) => ({ path: p.path === '' ? '/' : p.path, message: p.message })),
  };
}
