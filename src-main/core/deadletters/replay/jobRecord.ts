import type { ConcreteReplayTarget, JobStatus, ReplayJob } from '@shared/contract';
import { describeTarget } from './marking';

/** What a job needs besides its steps; written once, before anything moves. */
export interface JobPlan {
  targets: ConcreteReplayTarget[];
  delivery: string;
  notes: string[];
}

export interface JobRow {
  id: string;
  environment_id: string;
  source_id: string;
  source_name: string;
  status: JobStatus;
  paused_by: 'operator' | 'outage' | null;
  cause: string | null;
  failure_reason: string | null;
  plan_json: string;
  rate_per_second: number | null;
  total: number;
  moved: number;
  skipped: number;
  failed: number;
  operator: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface JobRecord {
  id: string;
  environmentId: string;
  sourceId: string;
  sourceName: string;
  status: JobStatus;
  pausedBy: 'operator' | 'outage' | null;
  cause: string | null;
  failureReason: string | null;
  plan: JobPlan;
  ratePerSecond: number | null;
  total: number;
  moved: number;
  skipped: number;
  failed: number;
  operator: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export function fromRow(row: JobRow): JobRecord {
  return {
    id: row.id,
    environmentId: row.environment_id,
    sourceId: row.source_id,
    sourceName: row.source_name,
    status: row.status,
    pausedBy: row.paused_by,
    cause: row.cause,
    failureReason: row.failure_reason,
    plan: JSON.parse(row.plan_json) as JobPlan,
    ratePerSecond: row.rate_per_second,
    total: row.total,
    moved: row.moved,
    skipped: row.skipped,
    failed: row.failed,
    operator: row.operator,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

export function jobView(job: JobRecord, throughput: number): ReplayJob {
  return {
    id: job.id,
    environmentId: job.environmentId,
    sourceId: job.sourceId,
    sourceName: job.sourceName,
    status: job.status,
    cause: job.status === 'PAUSED' || job.status === 'CANCELLING' ? job.cause : null,
    failureReason: job.status === 'FAILED' ? job.failureReason : null,
    total: job.total,
    moved: job.moved,
    skipped: job.skipped,
    failed: job.failed,
    ratePerSecond: job.ratePerSecond,
    throughput,
    targets: job.plan.targets.map(describeTarget),
    delivery: job.plan.delivery,
    notes: job.plan.notes,
    operator: job.operator,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
  };
}

const FINAL: readonly JobStatus[] = ['COMPLETED', 'CANCELLED', 'FAILED'];

export function isFinal(status: JobStatus): boolean {
  return FINAL.includes(status);
}
