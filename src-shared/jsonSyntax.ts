/** Where a JSON text stops being JSON, for an error message a person can act on. */
export interface JsonSyntaxProblem {
  /** Offset in UTF-16 code units from the start of the text. */
  readonly position: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly reason: string;
}

type Frame = 'array' | 'object';
type State = 'value' | 'key' | 'afterValue';

function isWhitespace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

const HEX = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

function describe(char: string | undefined): string {
  if (char === undefined) return 'end of input';
  const code = char.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `character U+${code.toString(16).padStart(4, '0')}`;
  return `'${char}'`;
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/**
 * Finds the first syntax error of a JSON text (RFC 8259), or returns null when
 * the text is valid. JSON.parse's own messages carry a position only for some
 * errors, so the bridge uses this to name line and column. Iterative, with an
 * explicit stack: deeply nested input from a client cannot overflow the call
 * stack.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  const stack: Frame[] = [];
  let i = 0;
  let state: State = 'value';

  const fail = (reason: string, at: number = i): JsonSyntaxProblem => ({
    position: at,
    ...lineAndColumn(text, at),
    reason,
  });
  const skipWhitespace = (): void => {
    while (isWhitespace(text[i])) i += 1;
  };

  /** Advances past a string starting at i; returns a problem or null. */
  const scanString = (): JsonSyntaxProblem | null => {
    i += 1;
    for (;;) {
      const char = text[i];
      if (char === undefined) return fail('unterminated string');
      if (char === '"') {
        i += 1;
        return null;
      }
      if (char === '\\') {
        const escape = text[i + 1];
        if (escape === 'u') {
          if (!HEX.test(text.slice(i + 2, i + 6))) return fail('invalid \\u escape in string');
          i += 6;
        } else if (escape !== undefined && SIMPLE_ESCAPES.has(escape)) {
          i += 2;
        } else {
          return fail(`invalid escape ${describe(escape)} in string`, i + 1);
        }
        continue;
      }
      if (char.charCodeAt(0) < 0x20) return fail(`unescaped ${describe(char)} in string`);
      i += 1;
    }
  };

  const scanNumber = (): JsonSyntaxProblem | null => {
    if (text[i] === '-') i += 1;
    if (text[i] === '0') {
      i += 1;
    } else if (isDigit(text[i])) {
      while (isDigit(text[i])) i += 1;
    } else {
      return fail(`expected a digit, found ${describe(text[i])}`);
    }
    if (text[i] === '.') {
      i += 1;
      if (!isDigit(text[i])) return fail(`expected a digit after '.', found ${describe(text[i])}`);
      while (isDigit(text[i])) i += 1;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i += 1;
      if (text[i] === '+' || text[i] === '-') i += 1;
      if (!isDigit(text[i])) return fail(`expected an exponent digit, found ${describe(text[i])}`);
      while (isDigit(text[i])) i += 1;
    }
    return null;
  };

  for (;;) {
    skipWhitespace();
    const char = text[i];
    if (state === 'value') {
      if (char === undefined) return fail('unexpected end of input, expected a value');
      let problem: JsonSyntaxProblem | null = null;
      if (char === '{') {
        i += 1;
        skipWhitespace();
        if (text[i] === '}') {
          i += 1;
        } else {
          stack.push('object');
          state = 'key';
          continue;
        }
      } else if (char === '[') {
        i += 1;
        skipWhitespace();
        if (text[i] === ']') {
          i += 1;
        } else {
          stack.push('array');
          continue;
        }
      } else if (char === '"') {
        problem = scanString();
      } else if (char === '-' || isDigit(char)) {
        problem = scanNumber();
      } else {
        const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
        if (literal === undefined) return fail(`unexpected ${describe(char)}, expected a value`);
        i += literal.length;
      }
      if (problem) return problem;
      state = 'afterValue';
      continue;
    }
    if (state === 'key') {
      if (char !== '"') {
        return fail(`expected a double-quoted property name, found ${describe(char)}`);
      }
      const problem = scanString();
      if (problem) return problem;
      skipWhitespace();
      if (text[i] !== ':')
        return fail(`expected ':' after property name, found ${describe(text[i])}`);
      i += 1;
      state = 'value';
      continue;
    }
    // afterValue
    const top = stack[stack.length - 1];
    if (top === undefined) {
      return char === undefined ? null : fail(`unexpected ${describe(char)} after the JSON value`);
    }
    const close = top === 'array' ? ']' : '}';
    if (char === ',') {
      i += 1;
      state = top === 'array' ? 'value' : 'key';
    } else if (char === close) {
      i += 1;
      stack.pop();
    } else {
      return fail(`expected ',' or '${close}', found ${describe(char)}`);
    }
  }
}
