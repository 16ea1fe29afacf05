import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import type { AuditFilter, AuditHead } from '@shared/contract';
import { filterSql } from '../filterSql';
import { startSqliteWorker, workerModule, type WorkerDatabase } from '../sqliteWorker';
import { csvQuery } from './csvSql';
import type {
  ExportTask,
  ExportWorkerAnswer as WorkerAnswer,
  ExportWorkerData,
} from './export.worker';
import { jsonlQuery } from './jsonlSql';
import { endStream, writeChunk } from './stream';

export interface SegmentOptions {
  /** Seq numbers per unit of work: one formatted text of at most this many records. */
  segmentSize?: number;
  /** Worker threads; defaults to the cores available, at most 4. */
  workers?: number;
}

export interface Formatted {
  /** UTF-8 bytes of the segment's lines, in order. */
  chunks: Buffer[];
  count: number;
}

const EXPORT_WORKER = workerModule(import.meta.url, 'export.worker');

interface Deferred {
  promise: Promise<Formatted>;
  resolve(value: Formatted): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: (value: Formatted) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<Formatted>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Failures are observed when the segment's turn comes; never unhandled before.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * The records matching `filter` up to `head.seq`, formatted as CSV or JSON
 * Lines by worker threads, yielded in seq order one segment at a time. Workers
 * format segments in parallel but never run more than two segments per worker
 * ahead of what the consumer has taken, so memory stays bounded however slow
 * the destination is, and the main thread does no formatting at all.
 */
export async function* formattedSegments(
  database: WorkerDatabase,
  format: 'csv' | 'jsonl',
  filter: AuditFilter,
  head: AuditHead,
  options: SegmentOptions = {},
): AsyncGenerator<Formatted> {
  const segmentSize = options.segmentSize ?? 10_000;
  const segments: { lo: number; hi: number }[] = [];
  for (let lo = 0; lo < head.seq; lo += segmentSize) {
    segments.push({ lo, hi: Math.min(lo + segmentSize, head.seq) });
  }
  if (segments.length === 0) return;

  const { where, params } = filterSql(filter);
  const csv = format === 'csv' ? csvQuery(where) : null;
  const data: ExportWorkerData = {
    sql: csv?.sql ?? jsonlQuery(where),
    params,
    format,
    headHash: head.hash,
    csvRuns: csv?.runs ?? null,
    rowSql: csv?.rowSql ?? null,
  };
  const wanted = options.workers ?? Math.min(4, availableParallelism());
  const count = Math.max(1, Math.min(wanted, segments.length));
  // A result is dropped once yielded so finished segments do not pile up in memory.
  const results: (Deferred | undefined)[] = segments.map(() => deferred());
  const idle: Worker[] = [];
  const workers: Worker[] = [];
  const lookahead = count * 2;
  let nextToAssign = 0;
  let nextToYield = 0;
  let failure: unknown = null;

  const fail = (error: unknown) => {
    failure ??= error;
    for (const result of results) result?.reject(failure);
  };
  const assign = () => {
    while (
      failure === null &&
      idle.length > 0 &&
      nextToAssign < segments.length &&
      nextToAssign < nextToYield + lookahead
    ) {
      const worker = idle.pop()!;
      const segment = segments[nextToAssign]!;
      const task: ExportTask = { id: nextToAssign, lo: segment.lo, hi: segment.hi };
      worker.postMessage(task);
      nextToAssign += 1;
    }
  };

  try {
    for (let i = 0; i < count; i += 1) {
      const worker = startSqliteWorker(EXPORT_WORKER, database, { ...data });
      workers.push(worker);
      idle.push(worker);
      worker.on('message', (message: WorkerAnswer) => {
        results[message.id]?.resolve({
          chunks: message.chunks.map((bytes, i) => Buffer.from(bytes, 0, message.lengths[i])),
          count: message.count,
        });
        idle.push(worker);
        assign();
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (nextToYield < segments.length)
          fail(new Error(`export worker exited with code ${code}`));
      });
    }
    while (nextToYield < segments.length) {
      assign();
      const formatted = await results[nextToYield]!.promise;
      results[nextToYield] = undefined;
      nextToYield += 1;
      if (formatted.count > 0) yield formatted;
    }
  } finally {
    nextToYield = segments.length;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/**
 * Writes every formatted segment to `out` in order, waiting for the
 * destination to drain, then ends it. Returns how many records were written.
 */
export async function pipeSegments(
  out: Writable,
  database: WorkerDatabase,
  format: 'csv' | 'jsonl',
  filter: AuditFilter,
  head: AuditHead,
  options: SegmentOptions = {},
): Promise<number> {
  let records = 0;
  for await (const segment of formattedSegments(database, format, filter, head, options)) {
    records += segment.count;
    for (const chunk of segment.chunks) await writeChunk(out, chunk);
  }
  await endStream(out);
  return records;
}
