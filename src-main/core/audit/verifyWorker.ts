/**
 * Source of the worker that verifies one seq range of the chain (run by
 * startSqliteWorker, which opens `db`).
 *
 * For each row, in seq order, it checks that the seq is the next one (else the
 * record is missing), that prev_hash equals the previous row's hash (else the
 * chain is unlinked) and that SHA-256(prev_hash + canonical JSON) equals the
 * stored hash (else the record was altered). The first row's link is checked
 * by the caller against the previous range.
 */
export const VERIFY_WORKER_SOURCE = `
const crypto = require('node:crypto');
const sha256 = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
let expected = workerData.lo;
let count = 0;
let previous = null;
let firstPrev = null;
let broken = null;
try {
  const statement = db.prepare(workerData.sql).raw();
  // Slices of rows per call (all()) rather than an iterator: stepping an
  // iterator costs about as much per row as the rest of the check.
  const SLICE = 4096;
  outer: for (let lo = workerData.lo; lo <= workerData.hi; lo += SLICE) {
    const rows = statement.all(lo, Math.min(lo + SLICE - 1, workerData.hi));
    for (let r = 0; r < rows.length; r += 1) {
      const row = rows[r];
      const seq = row[0], prevHash = row[1], hash = row[2], canonical = row[3];
      if (seq !== expected) { broken = { seq: expected, reason: 'missing' }; break outer; }
      if (expected === workerData.lo) firstPrev = prevHash;
      if (previous !== null && prevHash !== previous) { broken = { seq, reason: 'unlinked' }; break outer; }
      if (typeof canonical !== 'string' || sha256(prevHash + canonical) !== hash) {
        broken = { seq, reason: 'altered' };
        break outer;
      }
      previous = hash;
      expected += 1;
      count += 1;
    }
  }
  if (broken === null && expected <= workerData.hi) broken = { seq: expected, reason: 'missing' };
} finally {
  db.close();
}
parentPort.postMessage({ count, firstPrev, lastHash: previous, broken });
`;
