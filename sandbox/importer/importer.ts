import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type pg from 'pg';
import type { Logger } from '@shared/log/logger';
import { silentLogger } from '@shared/log/logger';
import { errorClass, errorMessage, isTransient } from '../common/errors';
import { backoffDelay, sleep } from '../common/time';
import { insertDeadLetters } from '../schema/deadLetters';
import type { DeadLetterRow } from '../schema/deadLetters';
import { describeJsonError, MAX_ENTRY_BYTES, validateWrite } from '../schema/document';
import type { Write } from '../schema/document';
import { applyIsolating, lastWritePerKey, upsertInTransaction } from '../schema/documents';
import { firstInvalidUtf8Byte } from '../schema/utf8';
import { readLines } from './lines';
import type { RawLine } from './lines';

export interface ImportOptions {
  pool: pg.Pool;
  /** JSON Lines: one {"key": ..., "value": {...}} per line. */
  file: string;
  chunkSize?: number;
  /** The dead_letters source; default "import:<file name>". */
  source?: string;
  /** Tries per chunk while the database is unreachable. */
  maxAttempts?: number;
  retryBaseMs?: number;
  logger?: Logger;
}

export interface ImportReport {
  lines: number;
  /** Documents created or changed. */
  imported: number;
  /** Valid lines whose write was already applied (a file imported again). */
  unchanged: number;
  deadLettered: number;
  chunks: number;
}

function payloadText(line: RawLine): string {
  return line.bytes.toString('utf8');
}

/** A line's write, or the dead letter it becomes. */
function checkLine(line: RawLine & { truncated: boolean }, source: string): Write | DeadLetterRow {
  const fail = (errorClassName: string, message: string): DeadLetterRow => ({
    source,
    payload: payloadText(line),
    errorClass: errorClassName,
    errorMessage: `line ${line.number}: ${message}`,
  });
  if (line.truncated) return fail('EntryTooLarge', `line is longer than ${MAX_ENTRY_BYTES} bytes`);
  const bad = firstInvalidUtf8Byte(line.bytes);
  if (bad >= 0) return fail('InvalidEncoding', `not valid UTF-8 (byte offset ${bad})`);
  const text = line.bytes.toString('utf8');
  let candidate: unknown;
  try {
    candidate = JSON.parse(text);
  } catch {
    return fail('InvalidJson', `not valid JSON: ${describeJsonError(text)}`);
  }
  if (typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate)) {
    const record = candidate as Record<string, unknown>;
    // The same line imported twice is the same write: applied once.
    if (record.id === undefined) {
      record.id = `import:${createHash('sha256').update(line.bytes).digest('hex').slice(0, 32)}`;
    }
  }
  const validation = validateWrite(candidate);
  if (!validation.ok) return fail(validation.errorClass, validation.message);
  return validation.write;
}

/**
 * Loads a JSON Lines file in chunks: lines that fail validation go to
 * dead_letters with the reason (and the line number), the rest are upserted
 * with their outbox rows, one transaction per chunk. A document PostgreSQL
 * refuses is isolated and dead-lettered without failing its chunk.
 */
export async function importFile(options: ImportOptions): Promise<ImportReport> {
  const chunkSize = options.chunkSize ?? 500;
  const source = options.source ?? `import:${basename(options.file)}`;
  const logger = options.logger ?? silentLogger;
  const report: ImportReport = { lines: 0, imported: 0, unchanged: 0, deadLettered: 0, chunks: 0 };
  let writes: Write[] = [];
  let dead: DeadLetterRow[] = [];
  const payloads = new Map<Write, string>();

  const flush = async (): Promise<void> => {
    const batch = lastWritePerKey(writes);
    const superseded = writes.length - batch.length;
    const chunkDead = dead;
    writes = [];
    dead = [];
    if (batch.length === 0 && chunkDead.length === 0) return;
    report.chunks += 1;
    const maxAttempts = options.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      try {
        let changed = 0;
        const outcome = await applyIsolating(batch, async (items) => {
          changed += await upsertInTransaction(options.pool, items);
        });
        for (const { item, error } of outcome.rejected) {
          chunkDead.push({
            source,
            payload: payloads.get(item) ?? JSON.stringify(item),
            errorClass: errorClass(error),
            errorMessage: errorMessage(error),
          });
        }
        await insertDeadLetters(options.pool, chunkDead);
        report.imported += changed;
        report.unchanged += outcome.committed.length - changed + superseded;
        report.deadLettered += chunkDead.length;
        payloads.clear();
        return;
      } catch (error) {
        if (!isTransient(error) || attempt >= maxAttempts) throw error;
        const delay = backoffDelay(attempt, options.retryBaseMs ?? 1000);
        logger.warn('import chunk failed, retrying', {
          attempt,
          delay,
          error: errorMessage(error),
        });
        await sleep(delay);
      }
    }
  };

  for await (const line of readLines(options.file, MAX_ENTRY_BYTES)) {
    if (line.bytes.length === 0 && !line.truncated) continue;
    report.lines += 1;
    const checked = checkLine(line, source);
    if ('errorClass' in checked) {
      dead.push(checked);
    } else {
      writes.push(checked);
      payloads.set(checked, payloadText(line));
    }
    if (writes.length + dead.length >= chunkSize) await flush();
  }
  await flush();
  logger.info('import finished', { file: options.file, ...report });
  return report;
}
