import { describe, expect, it } from 'vitest';
import { validateJsonSchema } from '../../../src-main/core/deadletters/edit/jsonSchema';
import { validateEdit } from '../../../src-main/core/deadletters/edit/validateEdit';

const schema = JSON.stringify({
  type: 'object',
  required: ['key', 'value'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    key: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 20 },
    value: {
      type: 'object',
      properties: {
        price: { type: 'number', minimum: 0, multipleOf: 0.01 },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 3 },
        status: { enum: ['draft', 'live'] },
      },
      required: ['price'],
    },
  },
});

describe('edit validation', () => {
  it('refuses malformed JSON with the line and column of the first error', () => {
    expect(validateEdit('{\n  "key": "k",\n  "value": {"price": 1,}\n}', null)).toEqual({
      ok: false,
      syntax: { line: 3, column: 24, message: expect.stringContaining('property name') },
      schema: [],
    });
    expect(validateEdit('{"a": 1', null).syntax).toMatchObject({ line: 1, column: 8 });
  });

  it('accepts valid JSON without a schema, and checks the schema when the source has one', () => {
    expect(validateEdit('[1, 2]', null)).toEqual({ ok: true, syntax: null, schema: [] });
    expect(validateEdit('{"key": "k-1", "value": {"price": 9.99}}', schema).ok).toBe(true);
    const result = validateEdit(
      '{"key": "Bad Key", "value": {"price": -1, "tags": ["a", "a"], "status": "gone"}, "extra": 1}',
      schema,
    );
    expect(result.ok).toBe(false);
    expect(result.schema).toEqual(
      expect.arrayContaining([
        { path: '/key', message: 'must match ^[a-z][a-z0-9-]*$' },
        { path: '/value/price', message: 'must be >= 0' },
        { path: '/value/tags', message: expect.stringContaining('unique') },
        { path: '/value/status', message: 'must be one of "draft", "live"' },
        { path: '/extra', message: '"extra" is not allowed' },
      ]),
    );
    expect(validateEdit('{"value": {"price": 1}}', schema).schema).toEqual([
      { path: '/', message: '"key" is required' },
    ]);
  });

  it('handles combinators, $ref, const and types', () => {
    const root = {
      $defs: { positive: { type: 'integer', exclusiveMinimum: 0 } },
      type: 'object',
      properties: {
        n: { $ref: '#/$defs/positive' },
        kind: { const: 'a' },
        either: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        not: { not: { type: 'null' } },
        any: { anyOf: [{ minLength: 3 }, { maxLength: 1 }] },
      },
    };
    expect(validateJsonSchema({ n: 2, kind: 'a', either: 'x', not: 1, any: 'abc' }, root)).toEqual(
      [],
    );
    const problems = validateJsonSchema(
      { n: 0, kind: 'b', either: 1.5, not: null, any: 'ab' },
      root,
    );
    expect(problems.map((p) => p.path)).toEqual(['/n', '/kind', '/either', '/not', '/any']);
    expect(validateJsonSchema('x', false)).toHaveLength(1);
  });
});
