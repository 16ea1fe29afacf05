/**
 * The worker that verifies one seq range of the chain (started by verify.ts
 * through startSqliteWorker).
 *
 * For each row, in seq order, it checks that the seq is the next one (else the
 * record is missing), that prev_hash equals the previous row's hash (else the
 * chain is unlinked) and that SHA-256(prev_hash + canonical JSON) equals the
 * stored hash (else the record was altered). The first row's link is checked
 * by the caller against the previous range.
 */
import crypto from 'node:crypto';
import { openWorkerDatabase } from './workerDatabase';

export interface VerifyWorkerData {
  sql: string;
  lo: number;
  hi: number;
}

export interface VerifyWorkerAnswer {
  count: number;
  firstPrev: string | null;
  lastHash: string | null;
  broken: { seq: number; reason: 'missing' | 'altered' | 'unlinked' } | null;
}

type Row = [seq: number, prevHash: string, hash: string, canonical: unknown];

// crypto.hash (Node 20.12+, one call, no Hash object) where it exists.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string })
  .hash;
const sha256 = oneShot
  ? (text: string) => oneShot('sha256', text, 'hex')
  : (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

const { db, data, port } = openWorkerDatabase<VerifyWorkerData>();
let expected = data.lo;
let count = 0;
let previous: string | null = null;
let firstPrev: string | null = null;
let broken: VerifyWorkerAnswer['broken'] = null;
try {
  const statement = db.prepare<[number, number], Row>(data.sql).raw();
  // Slices of rows per call (all()) rather than an iterator: stepping an
  // iterator costs about as much per row as the rest of the check.
  const SLICE = 4096;
  outer: for (let lo = data.lo; lo <= data.hi; lo += SLICE) {
    const rows = statement.all(lo, Math.min(lo + SLICE - 1, data.hi));
    for (let r = 0; r < rows.length; r += 1) {
      const row = rows[r]!;
      const seq = row[0];
      const prevHash = row[1];
      const hash = row[2];
      const canonical = row[3];
      if (seq !== expected) {
        broken = { seq: expected, reason: 'missing' };
        break outer;
      }
      if (expected === data.lo) firstPrev = prevHash;
      if (previous !== null && prevHash !== previous) {
        broken = { seq, reason: 'unlinked' };
        break outer;
      }
      if (typeof canonical !== 'string' || sha256(prevHash + canonical) !== hash) {
        broken = { seq, reason: 'altered' };
        break outer;
      }
      previous = hash;
      expected += 1;
      count += 1;
    }
  }
  if (broken === null && expected <= data.hi) broken = { seq: expected, reason: 'missing' };
} finally {
  db.close();
}
const answer: VerifyWorkerAnswer = { count, firstPrev, lastHash: previous, broken };
port.postMessage(answer);
