import { randomUUID } from 'node:crypto';
import {
  SluiceError,
  type DeadLetterSourceView,
  type DryRun,
  type ReplayJob,
  type ReplayRequest,
} from '@shared/contract';
import type { AuditScope } from '../../audit/scope';
import { callerFacing } from '../callerErrors';
import type { EnvironmentAccess } from '../clients/connections';
import type { EditStore } from '../edit/editStore';
import {
  assertBulkConfirmed,
  assertWritable,
  auditEnvironment,
  auditSource,
  confirmationRequired,
} from '../guardrails';
import type { DeadLetterSource } from '../source';
import type { SourceRepository } from '../sources/repository';
import type { ReplayEngine } from './engine';
import type { ReplayJournal } from './journal';
import { dryRun, writePlan, type PlanInput } from './planner';

export interface ReplayServiceDeps {
  repository: SourceRepository;
  environments: Pick<EnvironmentAccess, 'require'>;
  adapter(view: DeadLetterSourceView): DeadLetterSource;
  edits: EditStore;
  journal: ReplayJournal;
  engine: ReplayEngine;
  operatorName(): string;
}

/** Dry runs, replay jobs and their control, behind the guardrails. */
export class ReplayService {
  constructor(private readonly deps: ReplayServiceDeps) {}

  private async planInput(view: DeadLetterSourceView, request: ReplayRequest): Promise<PlanInput> {
    const source = this.deps.adapter(view);
    // A filter is evaluated on the index: bring it up to date first (PostgreSQL: a no-op).
    // Keys name entries the index holds already.
    if (request.selection.kind === 'filter') {
      const state = await source.refresh();
      if (state.state === 'down') {
        throw new SluiceError(
          'UNAVAILABLE',
          `cannot read ${view.name}: ${state.error ?? 'server unavailable'}`,
        );
      }
    }
    // Unreachable now: the job starts anyway and pauses until the servers answer.
    await source.prepareDelivery?.().catch(() => undefined);
    return { source, sourceView: view, request, edits: this.deps.edits.all(view.id) };
  }

  async dryRun(request: ReplayRequest): Promise<DryRun> {
    const view = this.deps.repository.require(request.sourceId);
    const environment = this.deps.environments.require(view.environmentId);
    const input = await this.planInput(view, request);
    const result = await callerFacing(() => dryRun(input));
    const warnings = [...result.warnings];
    if (environment.readOnly)
      warnings.unshift(`environment "${environment.name}" is read-only: replay is refused`);
    return {
      ...result,
      warnings,
      confirmation: {
        required: confirmationRequired(environment, view, result.count),
        environmentName: environment.name,
        threshold: view.bulkConfirmThreshold,
      },
    };
  }

  async replay(request: ReplayRequest, audit: AuditScope): Promise<ReplayJob> {
    const view = this.deps.repository.require(request.sourceId);
    const environment = this.deps.environments.require(view.environmentId);
    auditEnvironment(audit, environment);
    auditSource(audit, view);
    assertWritable(environment, 'replay');
    const input = await this.planInput(view, request);
    const count = await callerFacing(() => input.source.countSelection(request.selection));
    auditSource(audit, view, count);
    assertBulkConfirmed(environment, view, count, request.confirmEnvironmentName);
    if (count === 0) throw new SluiceError('INVALID_INPUT', 'the selection holds no dead letters');
    const jobId = randomUUID();
    audit.jobId(jobId);
    const job = {
      id: jobId,
      environmentId: environment.id,
      sourceId: view.id,
      sourceName: view.name,
      ratePerSecond: request.ratePerSecond,
      operator: this.deps.operatorName(),
    };
    try {
      const { total } = await callerFacing(() =>
        writePlan(input, this.deps.journal, job, input.source.replayNotes(request.target)),
      );
      if (total === 0)
        throw new SluiceError('INVALID_INPUT', 'the selection holds no dead letters');
    } catch (error) {
      this.deps.journal.dropJob(jobId);
      throw error;
    }
    this.deps.engine.start(jobId);
    return this.deps.engine.view(jobId);
  }

  listJobs(environmentId: string, limit: number): ReplayJob[] {
    return this.deps.journal.list(environmentId, limit).map((job) => this.deps.engine.view(job.id));
  }

  getJob(jobId: string): ReplayJob {
    return this.deps.engine.view(jobId);
  }

  private jobEnvironment(jobId: string, audit: AuditScope, action: string): void {
    const job = this.deps.engine.view(jobId);
    const environment = this.deps.environments.require(job.environmentId);
    auditEnvironment(audit, environment);
    audit.jobId(jobId);
    audit.targets([{ type: 'replay-job', id: jobId, name: job.sourceName }]);
    assertWritable(environment, action);
  }

  pauseJob(jobId: string, audit: AuditScope): ReplayJob {
    this.jobEnvironment(jobId, audit, 'pausing a replay');
    return this.deps.engine.pause(jobId);
  }

  resumeJob(jobId: string, audit: AuditScope): ReplayJob {
    this.jobEnvironment(jobId, audit, 'resuming a replay');
    return this.deps.engine.resume(jobId);
  }

  cancelJob(jobId: string, audit: AuditScope): ReplayJob {
    this.jobEnvironment(jobId, audit, 'cancelling a replay');
    return this.deps.engine.cancel(jobId);
  }
}
