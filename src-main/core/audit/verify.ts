import { availableParallelism } from 'node:os';
import { AUDIT_GENESIS_HASH, type AuditHead, type AuditVerifyResult } from '@shared/contract';
import { VERIFY_RANGE_SQL } from './chainSql';
import { startSqliteWorker, workerModule, type WorkerDatabase } from './sqliteWorker';
import type { VerifyWorkerAnswer as RangeResult, VerifyWorkerData } from './verify.worker';

const VERIFY_WORKER = workerModule(import.meta.url, 'verify.worker');

export interface VerifyOptions extends WorkerDatabase {
  /** Records per worker below which adding a worker does not pay for its start-up. */
  minRangeSize?: number;
  maxWorkers?: number;
}

function verifyRange(options: VerifyOptions, lo: number, hi: number): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const data: VerifyWorkerData = { sql: VERIFY_RANGE_SQL, lo, hi };
    const worker = startSqliteWorker(VERIFY_WORKER, options, { ...data });
    let settled = false;
    worker.once('message', (message: RangeResult) => {
      settled = true;
      resolve(message);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`audit verification worker exited with code ${code}`));
    });
  });
}

/**
 * Verifies records 1..head.seq. The chain check is local (each row against its
 * own stored prev_hash, and each prev_hash against the row before), so the seq
 * range is split across worker threads and the ranges' ends are joined here;
 * the answer is the same as walking the chain in one pass.
 *
 * Records removed from the end of the log leave a shorter, valid chain: only a
 * head kept elsewhere (every export carries one) shows that.
 */
export async function verifyChain(
  head: AuditHead,
  options: VerifyOptions,
): Promise<AuditVerifyResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (head.seq === 0) return { ok: true, count: 0, head, elapsedMs: elapsed() };

  const minRange = options.minRangeSize ?? 50_000;
  // Two threads per core: ranges finish unevenly, and the spare thread keeps each core busy.
  const maxWorkers = options.maxWorkers ?? Math.min(8, 2 * Math.max(1, availableParallelism()));
  const workers = Math.max(1, Math.min(maxWorkers, Math.ceil(head.seq / minRange)));
  const bounds = Array.from({ length: workers }, (_, i) => ({
    lo: Math.floor((i * head.seq) / workers) + 1,
    hi: Math.floor(((i + 1) * head.seq) / workers),
  }));
  const results = await Promise.all(bounds.map(({ lo, hi }) => verifyRange(options, lo, hi)));

  let count = 0;
  let expectedPrev = AUDIT_GENESIS_HASH;
  for (let i = 0; i < results.length; i += 1) {
    const result = results[i]!;
    const { lo } = bounds[i]!;
    if (result.firstPrev !== null && result.firstPrev !== expectedPrev) {
      return { ok: false, brokenAt: lo, reason: 'unlinked', count, elapsedMs: elapsed() };
    }
    if (result.broken) {
      return {
        ok: false,
        brokenAt: result.broken.seq,
        reason: result.broken.reason,
        count: count + result.count,
        elapsedMs: elapsed(),
      };
    }
    count += result.count;
    expectedPrev = result.lastHash ?? expectedPrev;
  }
  if (expectedPrev !== head.hash) {
    // The head row changed between reading the head and verifying it.
    return {
      ok: false,
      brokenAt: head.seq,
      reason: 'altered',
      count: count - 1,
      elapsedMs: elapsed(),
    };
  }
  return { ok: true, count, head, elapsedMs: elapsed() };
}
