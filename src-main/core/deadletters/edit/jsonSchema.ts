/**
 * A small JSON Schema validator for the keywords dead-letter schemas use:
 * type, enum, const, required, properties, additionalProperties,
 * patternProperties, minProperties, maxProperties, items (a schema),
 * prefixItems, minItems, maxItems, uniqueItems, minLength, maxLength, pattern,
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, allOf,
 * anyOf, oneOf, not, if/then/else, and $ref to "#", "#/$defs/..." or
 * "#/definitions/...". Other keywords (format, $id, dependentSchemas, ...) are
 * ignored, as JSON Schema says unknown keywords must be.
 */
export type JsonSchema = boolean | { [keyword: string]: unknown };

export interface SchemaProblem {
  /** JSON Pointer of the offending value, "" for the root. */
  path: string;
  message: string;
}

export const SUPPORTED_KEYWORDS = [
  'type',
  'enum',
  'const',
  'required',
  'properties',
  'additionalProperties',
  'patternProperties',
  'minProperties',
  'maxProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
] as const;

const MAX_PROBLEMS = 50;
const MAX_DEPTH = 64;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

function pointer(path: string, segment: string | number): string {
  return `${path}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function safeRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}

/** Checks a parsed schema for the mistakes that would make validation meaningless. */
export function schemaProblem(schema: unknown): string | null {
  if (typeof schema === 'boolean') return null;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return 'a JSON Schema is an object (or true/false)';
  }
  return null;
}

export function validateJsonSchema(value: unknown, root: JsonSchema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];

  const resolve = (ref: string): JsonSchema | undefined => {
    if (ref === '#') return root;
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    if (!match || typeof root !== 'object') return undefined;
    const defs = root[match[1]!];
    if (typeof defs !== 'object' || defs === null) return undefined;
    const name = match[2]!.replace(/~1/g, '/').replace(/~0/g, '~');
    return (defs as Record<string, JsonSchema>)[name];
  };

  const check = (
    data: unknown,
    schema: JsonSchema,
    path: string,
    depth: number,
    out: SchemaProblem[],
  ): void => {
    if (out.length >= MAX_PROBLEMS) return;
    if (schema === true) return;
    if (schema === false) {
      out.push({ path, message: 'no value is allowed here' });
      return;
    }
    if (depth > MAX_DEPTH) {
      out.push({ path, message: 'the schema nests too deeply (a $ref cycle?)' });
      return;
    }
    const s = schema;
    const fail = (message: string, at: string = path): void => {
      out.push({ path: at, message });
    };

    if (typeof s.$ref === 'string') {
      const target = resolve(s.$ref);
      if (target === undefined) fail(`cannot resolve $ref ${s.$ref}`);
      else check(data, target, path, depth + 1, out);
    }
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((type) => matchesType(data, type))) {
        fail(`must be ${types.join(' or ')}, not ${typeOf(data)}`);
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((option) => deepEqual(option, data))) {
      fail(`must be one of ${s.enum.map((option) => JSON.stringify(option)).join(', ')}`);
    }
    if ('const' in s && !deepEqual(s.const, data)) fail(`must be ${JSON.stringify(s.const)}`);

    if (typeof data === 'string') {
      const length = [...data].length;
      if (typeof s.minLength === 'number' && length < s.minLength)
        fail(`must be at least ${s.minLength} characters`);
      if (typeof s.maxLength === 'number' && length > s.maxLength)
        fail(`must be at most ${s.maxLength} characters`);
      if (typeof s.pattern === 'string') {
        const regex = safeRegExp(s.pattern);
        if (regex && !regex.test(data)) fail(`must match ${s.pattern}`);
      }
    }
    if (typeof data === 'number') {
      if (typeof s.minimum === 'number' && data < s.minimum) fail(`must be >= ${s.minimum}`);
      if (typeof s.maximum === 'number' && data > s.maximum) fail(`must be <= ${s.maximum}`);
      if (typeof s.exclusiveMinimum === 'number' && data <= s.exclusiveMinimum)
        fail(`must be > ${s.exclusiveMinimum}`);
      if (typeof s.exclusiveMaximum === 'number' && data >= s.exclusiveMaximum)
        fail(`must be < ${s.exclusiveMaximum}`);
      if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
        const quotient = data / s.multipleOf;
        if (Math.abs(quotient - Math.round(quotient)) > 1e-9)
          fail(`must be a multiple of ${s.multipleOf}`);
      }
    }
    if (Array.isArray(data)) {
      if (typeof s.minItems === 'number' && data.length < s.minItems)
        fail(`must have at least ${s.minItems} items`);
      if (typeof s.maxItems === 'number' && data.length > s.maxItems)
        fail(`must have at most ${s.maxItems} items`);
      if (s.uniqueItems === true) {
        for (let i = 1; i < data.length; i += 1) {
          if (data.slice(0, i).some((earlier) => deepEqual(earlier, data[i]))) {
            fail(`items must be unique (item ${i} repeats an earlier one)`);
            break;
          }
        }
      }
      const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as JsonSchema[]) : [];
      prefix.forEach((itemSchema, i) => {
        if (i < data.length) check(data[i], itemSchema, pointer(path, i), depth + 1, out);
      });
      if (s.items !== undefined && !Array.isArray(s.items)) {
        for (let i = prefix.length; i < data.length; i += 1) {
          check(data[i], s.items as JsonSchema, pointer(path, i), depth + 1, out);
        }
      }
    }
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      const object = data as Record<string, unknown>;
      const keys = Object.keys(object);
      if (Array.isArray(s.required)) {
        for (const name of s.required as string[]) {
          if (!Object.prototype.hasOwnProperty.call(object, name))
            fail(`${JSON.stringify(name)} is required`);
        }
      }
      if (typeof s.minProperties === 'number' && keys.length < s.minProperties)
        fail(`must have at least ${s.minProperties} members`);
      if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties)
        fail(`must have at most ${s.maxProperties} members`);
      const properties = (
        typeof s.properties === 'object' && s.properties !== null ? s.properties : {}
      ) as Record<string, JsonSchema>;
      const patterns = Object.entries(
        (typeof s.patternProperties === 'object' && s.patternProperties !== null
          ? s.patternProperties
          : {}) as Record<string, JsonSchema>,
      ).map(([pattern, schemaFor]) => ({ regex: safeRegExp(pattern), schemaFor }));
      for (const key of keys) {
        const at = pointer(path, key);
        let matched = false;
        if (Object.prototype.hasOwnProperty.call(properties, key)) {
          matched = true;
          check(object[key], properties[key]!, at, depth + 1, out);
        }
        for (const { regex, schemaFor } of patterns) {
          if (regex?.test(key)) {
            matched = true;
            check(object[key], schemaFor, at, depth + 1, out);
          }
        }
        if (!matched && s.additionalProperties !== undefined) {
          if (s.additionalProperties === false) fail(`${JSON.stringify(key)} is not allowed`, at);
          else check(object[key], s.additionalProperties as JsonSchema, at, depth + 1, out);
        }
      }
    }

    if (Array.isArray(s.allOf))
      for (const sub of s.allOf as JsonSchema[]) check(data, sub, path, depth + 1, out);
    const passes = (sub: JsonSchema): boolean => {
      const scratch: SchemaProblem[] = [];
      check(data, sub, path, depth + 1, scratch);
      return scratch.length === 0;
    };
    if (Array.isArray(s.anyOf) && !(s.anyOf as JsonSchema[]).some(passes))
      fail('must match at least one of anyOf');
    if (Array.isArray(s.oneOf)) {
      const count = (s.oneOf as JsonSchema[]).filter(passes).length;
      if (count !== 1) fail(`must match exactly one of oneOf (matches ${count})`);
    }
    if (s.not !== undefined && passes(s.not as JsonSchema)) fail('must not match the "not" schema');
    if (s.if !== undefined) {
      if (passes(s.if as JsonSchema)) {
        if (s.then !== undefined) check(data, s.then as JsonSchema, path, depth + 1, out);
      } else if (s.else !== undefined) check(data, s.else as JsonSchema, path, depth + 1, out);
    }
  };

  check(value, root, '', 0, problems);
  return problems;
}
