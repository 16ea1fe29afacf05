import fs from 'node:fs';
import path from 'node:path';
import { createLogger, type LogLevel, type Logger } from '@shared/log/logger';

export const LOG_DIR = 'logs';
export const LOG_FILE = 'sluice.log';
/** Past this size the log is rotated at start-up (one previous file kept). */
export const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

export interface FileLog {
  logger: Logger;
  file: string;
  close(): Promise<void>;
}

function rotateIfLarge(file: string): void {
  try {
    if (fs.statSync(file).size > LOG_ROTATE_BYTES) fs.renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}

/**
 * The app's log: JSON lines in <userData>/logs/sluice.log, readable only by
 * the user. Lines go through the core's createLogger, which redacts URL
 * passwords and secret key=value pairs before anything is written.
 */
export function openFileLog(
  dataDir: string,
  options: { minLevel?: LogLevel; echo?: boolean } = {},
): FileLog {
  const dir = path.join(dataDir, LOG_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, LOG_FILE);
  rotateIfLarge(file);
  const stream = fs.createWriteStream(file, { flags: 'a', mode: 0o600 });
  // A full disk must not crash the app; the log is lost, the app carries on.
  stream.on('error', () => undefined);
  const logger = createLogger((line) => {
    stream.write(`${line}\n`);
    if (options.echo) process.stderr.write(`${line}\n`);
  }, options.minLevel ?? 'info');
  return {
    logger,
    file,
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}
