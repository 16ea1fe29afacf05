import { SluiceError } from '@shared/contract';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Quotes a configured table or column name for SQL. Names were validated by
 * the contract already; checking again here keeps SQL building safe even for
 * callers that skipped it.
 */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new SluiceError('INVALID_INPUT', `"${name.slice(0, 80)}" is not a valid identifier`);
  }
  return `"${name}"`;
}

export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/** For LIKE/ILIKE with ESCAPE '\\'. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
