import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** A command line that does not parse; the message names the flag or word at fault. */
export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

/** The first quoted token in one of parseArgs's messages: the flag or word it is about. */
function quoted(message: string): string {
  return /'([^'\s]+)/.exec(message)?.[1] ?? message;
}

function reworded(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted(message)}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted(message)}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(message)) return `${quoted(message)} takes no value`;
      if (/ambiguous/.test(message)) {
        const flag = quoted(message);
        return `${flag} needs a value (one starting with "-" is written ${flag}=-...)`;
      }
      return `${quoted(message).replace(/ <value>$/, '')} needs a value`;
    default:
      return message;
  }
}

/**
 * node:util parseArgs in strict mode (unknown flags, stray words and missing
 * values are errors), so every command line reads `--flag value`,
 * `--flag=value` and `--` the same way. Its messages are long and talk about
 * positional arguments; they are reworded to name the flag in a few words.
 */
export function readCommandLine<const O extends OptionSpecs>(
  argv: readonly string[],
  options: O,
  { positionals = false }: { positionals?: boolean } = {},
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: positionals });
  } catch (error) {
    throw new CommandLineError(reworded(error));
  }
}

/**
 * A numeric flag's value: absent gives `fallback`; anything but a number within
 * the range (at least `min`, more than `above`, at most `max`) is refused with `problem`.
 */
export function numberValue(
  value: string | undefined,
  fallback: number,
  range: { min?: number; above?: number; max?: number },
  problem: string,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  const fits =
    value.trim() !== '' &&
    Number.isFinite(parsed) &&
    (range.min === undefined || parsed >= range.min) &&
    (range.above === undefined || parsed > range.above) &&
    (range.max === undefined || parsed <= range.max);
  if (!fits) throw new CommandLineError(problem);
  return parsed;
}
