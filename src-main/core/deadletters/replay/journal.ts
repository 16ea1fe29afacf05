import type { JobStatus } from '@shared/contract';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../store/database';
import { StatementCache } from '../../store/statementCache';
import { headersFromJson, headersToJson } from '../index/kafkaSync';
import type { RecordHeader } from '../kafkaHeaders';
import type { MoveItem, MoveOutcome } from '../source';
import { fromRow, isFinal, type JobPlan, type JobRecord, type JobRow } from './jobRecord';
import { replayIdFor } from './marking';

export interface NewJob {
  id: string;
  environmentId: string;
  sourceId: string;
  sourceName: string;
  ratePerSecond: number | null;
  operator: string;
}

export interface PlannedStep {
  key: string;
  stored: Buffer | null;
  payload: Buffer;
  recordKey: Buffer | null;
  headers: RecordHeader[];
  origin: string;
  targetIndex: number;
}

/**
 * A step as pending() reads it, in column order (arrays cost less to build
 * than objects, thousands of times per batch). Kafka plans store the same
 * bytes as raw and payload: SQLite compares them and hands them over once.
 */
type StepRow = [
  step: number,
  entryKey: string,
  rawIfDifferent: Buffer | null,
  rawIsPayload: 0 | 1,
  payload: Buffer,
  recordKey: Buffer | null,
  headersJson: string | null,
  origin: string,
  targetIndex: number,
];

const PENDING_STEPS = `SELECT step, entry_key, CASE WHEN raw IS payload THEN NULL ELSE raw END, raw IS payload,
    payload, record_key, headers_json, origin, target_index
  FROM dl_job_steps WHERE job_id = ? AND step >= ? AND step <= ? ORDER BY step LIMIT ?`;

/**
 * The replay journal in SQLite. The plan (every step with the exact bytes)
 * is written before the job starts; after each batch, the outcome of every
 * step and the job's counters are written in one transaction.
 */
export class ReplayJournal {
  private readonly statements: StatementCache;

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
  }

  private statement(sql: string): Statement {
    return this.statements.get(sql);
  }

  /** Starts writing a plan; the job is invisible until finishPlan(). */
  beginPlan(job: NewJob, plan: JobPlan): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO dl_jobs (id, environment_id, source_id, source_name, status, planned, plan_json,
           rate_per_second, total, operator, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'RUNNING', 0, ?, ?, 0, ?, ?, ?)`,
      )
      .run(
        job.id,
        job.environmentId,
        job.sourceId,
        job.sourceName,
        JSON.stringify(plan),
        job.ratePerSecond,
        job.operator,
        now,
        now,
      );
  }

  addSteps(jobId: string, firstStep: number, steps: readonly PlannedStep[]): void {
    const insert = this.statement(
      `INSERT INTO dl_job_steps (job_id, step, entry_key, raw, payload, record_key, headers_json,
         origin, target_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      steps.forEach((step, i) => {
        insert.run(
          jobId,
          firstStep + i,
          step.key,
          step.stored,
          step.payload,
          step.recordKey,
          step.headers.length > 0 ? headersToJson(step.headers) : null,
          step.origin,
          step.targetIndex,
        );
      });
    })();
  }

  finishPlan(jobId: string, total: number, plan: JobPlan): void {
    this.db
      .prepare('UPDATE dl_jobs SET planned = 1, total = ?, plan_json = ? WHERE id = ?')
      .run(total, JSON.stringify(plan), jobId);
  }

  /** A plan that could not be completed (nothing moved yet). */
  dropJob(jobId: string): void {
    this.db.prepare('DELETE FROM dl_jobs WHERE id = ? AND planned = 0').run(jobId);
  }

  /** Plans cut short by a crash: nothing of them ever moved. */
  dropUnplanned(): number {
    return this.db.transaction(() => {
      const ids = this.db
        .prepare('SELECT id FROM dl_jobs WHERE planned = 0')
        .pluck()
        .all() as string[];
      for (const id of ids) this.db.prepare('DELETE FROM dl_jobs WHERE id = ?').run(id);
      return ids.length;
    })();
  }

  get(jobId: string): JobRecord | null {
    const row = this.statement('SELECT * FROM dl_jobs WHERE id = ? AND planned = 1').get(jobId) as
      JobRow | undefined;
    return row ? fromRow(row) : null;
  }

  list(environmentId: string, limit: number): JobRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM dl_jobs WHERE environment_id = ? AND planned = 1
         ORDER BY created_at DESC LIMIT ?`,
      )
      .all(environmentId, limit) as JobRow[];
    return rows.map(fromRow);
  }

  unfinished(): JobRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM dl_jobs WHERE planned = 1 AND status IN ('RUNNING', 'PAUSED', 'CANCELLING')
         ORDER BY created_at`,
      )
      .all() as JobRow[];
    return rows.map(fromRow);
  }

  setStatus(
    jobId: string,
    status: JobStatus,
    extra: {
      pausedBy?: 'operator' | 'outage' | null;
      cause?: string | null;
      failureReason?: string | null;
    } = {},
  ): void {
    const now = new Date().toISOString();
    this.statement(
      `UPDATE dl_jobs SET status = ?, paused_by = ?, cause = ?,
           failure_reason = COALESCE(?, failure_reason), updated_at = ?,
           finished_at = CASE WHEN ? THEN ? ELSE NULL END
         WHERE id = ?`,
    ).run(
      status,
      extra.pausedBy ?? null,
      extra.cause ?? null,
      extra.failureReason ?? null,
      now,
      isFinal(status) ? 1 : 0,
      now,
      jobId,
    );
  }

  /** The first step no done batch covers, and the in-flight batch if there is one. */
  private progress(jobId: string): {
    next: number;
    sending: { first: number; last: number } | null;
  } {
    const done = this.statement(
      `SELECT max(last_step) FROM dl_job_batches WHERE job_id = ? AND state = 'done'`,
    )
      .pluck()
      .get(jobId) as number | null;
    const sending = this.statement(
      `SELECT first_step AS first, last_step AS last FROM dl_job_batches
        WHERE job_id = ? AND state = 'sending'`,
    ).get(jobId) as { first: number; last: number } | undefined;
    return { next: done === null ? 0 : done + 1, sending: sending ?? null };
  }

  /** The next steps are about to be handed to the servers. */
  markSending(jobId: string, items: readonly MoveItem[]): void {
    if (items.length === 0) return;
    const first = items[0]!.step;
    const last = items[items.length - 1]!.step;
    this.statement(
      `INSERT INTO dl_job_batches (job_id, first_step, last_step, state) VALUES (?, ?, ?, 'sending')
       ON CONFLICT (job_id, first_step) DO UPDATE SET
         last_step = max(last_step, excluded.last_step), state = 'sending'`,
    ).run(jobId, first, last);
  }

  hasSending(jobId: string): boolean {
    return this.progress(jobId).sending !== null;
  }

  /**
   * The next steps still to do, in plan order. Steps of a batch handed over
   * before without a recorded outcome come first (they are the earliest).
   * `after`: the steps that follow a batch still being moved, as they will be
   * once its outcome is recorded (the plan never changes, and neither do
   * "sending" steps beyond that batch).
   */
  pending(
    jobId: string,
    limit: number,
    plan: JobPlan,
    options: { onlySending?: boolean; after?: number } = {},
  ): MoveItem[] {
    const progress = this.progress(jobId);
    const { sending } = progress;
    const next = options.after === undefined ? progress.next : options.after + 1;
    if (options.onlySending && sending === null) return [];
    const to = options.onlySending && sending ? sending.last : Number.MAX_SAFE_INTEGER;
    const rows = this.statements.rows(PENDING_STEPS).all(jobId, next, to, limit) as StepRow[];
    const items = new Array<MoveItem>(rows.length);
    for (let i = 0; i < rows.length; i += 1) {
      const [step, key, raw, rawIsPayload, payload, recordKey, headersJson, origin, targetIndex] =
        rows[i]!;
      const target = plan.targets[targetIndex];
      if (!target) throw new Error(`step ${step} of job ${jobId} names no target`);
      items[i] = {
        step,
        key,
        // The same bytes: one Buffer serves both (nothing writes into them).
        stored: rawIsPayload === 1 ? payload : raw,
        payload,
        recordKey,
        headers: headersFromJson(headersJson),
        target,
        replayId: replayIdFor(jobId, step),
        origin,
        resent: sending !== null && step >= sending.first && step <= sending.last,
      };
    }
    return items;
  }

  /**
   * Writes the outcome of a batch (the next steps in order); call inside a
   * transaction with anything that must be written together with it.
   */
  record(jobId: string, items: readonly MoveItem[], outcomes: readonly MoveOutcome[]): void {
    if (items.length === 0) return;
    const first = items[0]!.step;
    const last = items[items.length - 1]!.step;
    const { next, sending } = this.progress(jobId);
    if (first !== next) throw new Error(`job ${jobId}: batch starts at ${first}, expected ${next}`);
    let moved = 0;
    let skipped = 0;
    let failed = 0;
    const exception = this.statement(
      `INSERT INTO dl_job_outcomes (job_id, step, state, detail) VALUES (?, ?, ?, ?)`,
    );
    items.forEach((item, i) => {
      const outcome = outcomes[i] ?? { state: 'failed', detail: 'no outcome' };
      if (outcome.state === 'delivered') moved += 1;
      else {
        if (outcome.state === 'gone') skipped += 1;
        else failed += 1;
        exception.run(
          jobId,
          item.step,
          outcome.state,
          outcome.state === 'failed' ? outcome.detail : null,
        );
      }
    });
    this.statement(`DELETE FROM dl_job_batches WHERE job_id = ? AND state = 'sending'`).run(jobId);
    this.statement(
      `INSERT INTO dl_job_batches (job_id, first_step, last_step, state) VALUES (?, ?, ?, 'done')`,
    ).run(jobId, first, last);
    // A batch handed over earlier may have been longer: the rest of it is still in flight.
    if (sending && sending.last > last) {
      this.statement(
        `INSERT INTO dl_job_batches (job_id, first_step, last_step, state) VALUES (?, ?, ?, 'sending')`,
      ).run(jobId, last + 1, sending.last);
    }
    this.statement(
      `UPDATE dl_jobs SET moved = moved + ?, skipped = skipped + ?, failed = failed + ?,
         updated_at = ? WHERE id = ?`,
    ).run(moved, skipped, failed, new Date().toISOString(), jobId);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** How many steps are in each state (for tests and diagnostics). */
  stepStates(jobId: string): Record<string, number> {
    const total = this.statement('SELECT count(*) FROM dl_job_steps WHERE job_id = ?')
      .pluck()
      .get(jobId) as number;
    const { next, sending } = this.progress(jobId);
    const exceptions = this.statement(
      'SELECT state, count(*) AS n FROM dl_job_outcomes WHERE job_id = ? GROUP BY state',
    ).all(jobId) as { state: string; n: number }[];
    const counts: Record<string, number> = {};
    let notDelivered = 0;
    for (const row of exceptions) {
      counts[row.state] = row.n;
      notDelivered += row.n;
    }
    counts.delivered = next - notDelivered;
    if (sending) counts.sending = sending.last - sending.first + 1;
    counts.pending = total - next - (counts.sending ?? 0);
    for (const key of Object.keys(counts)) if (counts[key] === 0) delete counts[key];
    return counts;
  }
}

export { isFinal, jobView, type JobRecord } from './jobRecord';
