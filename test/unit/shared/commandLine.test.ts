import { describe, expect, it } from 'vitest';
import {
  CommandLineError,
  numberValue,
  readCommandLine,
} from '../../../src-shared/cli/commandLine';
import { UsageError, parseServeArgs } from '../../../src-main/bridge/serveOptions';

const options = {
  rate: { type: 'string' },
  browser: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

describe('readCommandLine (node:util parseArgs, strict)', () => {
  it('reads both spellings, short flags and positionals after --', () => {
    expect(readCommandLine(['--rate', '5', '--browser'], options).values).toEqual({
      rate: '5',
      browser: true,
    });
    expect(readCommandLine(['--rate=-5', '-h'], options).values).toEqual({
      rate: '-5',
      help: true,
    });
    expect(readCommandLine(['a', '--', '--b'], options, { positionals: true }).positionals).toEqual(
      ['a', '--b'],
    );
  });

  it('names the flag or word at fault in a few words', () => {
    const message = (argv: string[]) => {
      try {
        readCommandLine(argv, options);
      } catch (error) {
        expect(error).toBeInstanceOf(CommandLineError);
        return (error as Error).message;
      }
      return 'parsed';
    };
    expect(message(['--verbose'])).toBe('unknown option --verbose');
    expect(message(['-x'])).toBe('unknown option -x');
    expect(message(['stray'])).toBe('unexpected argument stray');
    expect(message(['--rate'])).toBe('--rate needs a value');
    expect(message(['--rate', '-5'])).toBe(
      '--rate needs a value (one starting with "-" is written --rate=-...)',
    );
    expect(message(['--browser=yes'])).toBe('--browser takes no value');
  });

  it('checks numeric values against their range', () => {
    expect(numberValue(undefined, 7, { min: 0 }, 'bad')).toBe(7);
    expect(numberValue('2.5', 0, { above: 0, max: 3 }, 'bad')).toBe(2.5);
    for (const text of ['', ' ', 'x', '-1', '4', 'Infinity']) {
      expect(() => numberValue(text, 0, { min: 0, max: 3 }, 'bad'), text).toThrow('bad');
    }
    expect(() => numberValue('0', 1, { above: 0 }, 'bad')).toThrow('bad');
  });

  it('gives browser mode usage errors naming the flag', () => {
    const env = {
      platform: 'linux',
      env: {},
      homeDir: '/h',
      cwd: '/c',
      projectRoot: '/p',
    } as const;
    expect(() => parseServeArgs(['--verbose'], env)).toThrow(
      new UsageError('unknown option --verbose'),
    );
    expect(() => parseServeArgs(['--port=1', '--port', '2'], env)).toThrow(
      '--port given more than once',
    );
    expect(() => parseServeArgs(['--host='], env)).toThrow('--host needs a value');
  });
});
