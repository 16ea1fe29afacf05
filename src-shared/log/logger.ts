import { redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

function serialiseField(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  }
  return value;
}

/**
 * JSON lines, one per entry. Every line passes through redactText so a
 * password inside a URL or a "password=" pair never reaches the log.
 */
export function createLogger(sink: LogSink, minLevel: LogLevel = 'info'): Logger {
  const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (order[level] < order[minLevel]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, message };
    if (fields)
      for (const [key, value] of Object.entries(fields)) entry[key] = serialiseField(value);
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ time: entry.time, level, message, note: 'fields not serialisable' });
    }
    sink(redactText(line));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export const silentLogger: Logger = createLogger(() => undefined, 'error');

export function stderrLogger(minLevel: LogLevel = 'info'): Logger {
  return createLogger((line) => process.stderr.write(`${line}\n`), minLevel);
}
