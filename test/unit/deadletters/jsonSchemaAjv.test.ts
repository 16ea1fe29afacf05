import { describe, expect, it } from 'vitest';
import {
  VALIDATION_TIMEOUT_MS,
  validateJsonSchema,
} from '../../../src-main/core/deadletters/edit/jsonSchema';
import {
  parseSchemaText,
  validateEdit,
} from '../../../src-main/core/deadletters/edit/validateEdit';

describe('dead-letter JSON Schemas (Ajv, draft 2020-12)', () => {
  it('checks format', () => {
    const schema = {
      type: 'object',
      properties: { email: { format: 'email' }, at: { format: 'date-time' } },
    };
    expect(
      validateJsonSchema({ email: 'a@example.com', at: '2026-01-02T03:04:05Z' }, schema),
    ).toEqual([]);
    expect(validateJsonSchema({ email: 'not an address', at: 'yesterday' }, schema)).toEqual([
      { path: '/email', message: 'must be a valid email' },
      { path: '/at', message: 'must be a valid date-time' },
    ]);
  });

  it('checks unevaluatedProperties across allOf', () => {
    const schema = {
      allOf: [{ properties: { id: { type: 'string' } } }],
      properties: { kind: { const: 'order' } },
      unevaluatedProperties: false,
    };
    expect(validateJsonSchema({ id: 'x', kind: 'order' }, schema)).toEqual([]);
    expect(validateJsonSchema({ id: 'x', kind: 'order', stray: 1 }, schema)).toEqual([
      { path: '/stray', message: '"stray" is not allowed (no subschema declares it)' },
    ]);
  });

  it('refuses a remote $ref naming it, without fetching it', () => {
    const text = JSON.stringify({
      type: 'object',
      properties: { customer: { $ref: 'https://schemas.example.invalid/customer.json' } },
    });
    const parsed = parseSchemaText(text);
    expect(parsed).toEqual({
      problem: expect.stringContaining('https://schemas.example.invalid/customer.json'),
    });
    expect('problem' in parsed && parsed.problem).toContain('never fetches');
    expect(validateEdit('{"customer": {}}', text)).toEqual({
      ok: false,
      syntax: null,
      schema: [{ path: '', message: expect.stringContaining('customer.json') }],
    });
    expect(validateJsonSchema({}, { $ref: '#/$defs/missing' })).toEqual([
      { path: '', message: 'cannot resolve $ref #/$defs/missing' },
    ]);
  });

  it('stops a catastrophically backtracking pattern instead of freezing the main process', () => {
    const schema = { type: 'string', pattern: '^(a+)+$' };
    const started = Date.now();
    const problems = validateJsonSchema(`${'a'.repeat(40)}!`, schema);
    expect(Date.now() - started).toBeLessThan(VALIDATION_TIMEOUT_MS + 1_000);
    expect(problems).toEqual([
      { path: '', message: expect.stringContaining(`stopped after ${VALIDATION_TIMEOUT_MS} ms`) },
    ]);
    // the same schema still validates ordinary values afterwards
    expect(validateJsonSchema('aaa', schema)).toEqual([]);
    expect(validateJsonSchema('b', schema)).toEqual([{ path: '', message: 'must match ^(a+)+$' }]);
  });

  it('reads draft-07 schemas by their $schema and refuses an unknown draft', () => {
    const draft7 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      items: [{ type: 'string' }],
      additionalItems: false,
    };
    expect(validateJsonSchema(['a'], draft7)).toEqual([]);
    expect(validateJsonSchema(['a', 1], draft7)).toHaveLength(1);
    expect(validateJsonSchema(1, { $schema: 'http://example.invalid/draft-99' })).toEqual([
      { path: '', message: expect.stringContaining('Sluice validates draft 2020-12') },
    ]);
  });

  it('names a schema Ajv cannot compile when the source is saved', () => {
    expect(parseSchemaText('{"type": "strin"}')).toEqual({
      problem: expect.stringContaining('the JSON Schema is not valid'),
    });
  });

  it('validates an edited schema with the same $id by its new content, and resolves refs through its own $id', () => {
    const first = { $id: 'https://example.com/document', type: 'object', required: ['a'] };
    const edited = {
      $id: 'https://example.com/document',
      type: 'object',
      required: ['b'],
      properties: { b: { $ref: 'https://example.com/document#/$defs/name' } },
      $defs: { name: { type: 'string' } },
    };
    expect(validateJsonSchema({ a: 1 }, first)).toEqual([]);
    expect(validateJsonSchema({ b: 'x' }, edited)).toEqual([]);
    expect(validateJsonSchema({ b: 1 }, edited)).toHaveLength(1);
    expect(validateJsonSchema({ a: 1 }, edited)).toHaveLength(1);
  });
});
