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
import { bulkConfirmationRequired, type CallGuards } from '../../rpc/guards';
import { sourceTarget } from '../auditTargets';
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

/**
 * Dry runs, replay jobs and their control. The dispatcher refuses them in
 * read-only environments; a replay reports its count for the production guard.
 */
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
    return { source, request, edits: this.deps.edits.all(view.id) };
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
        required: bulkConfirmationRequired(environment, result.count, view.bulkConfirmThreshold),
        environmentName: environment.name,
        threshold: view.bulkConfirmThreshold,
      },
    };
  }

  async replay(request: ReplayRequest, audit: AuditScope, guards: CallGuards): Promise<ReplayJob> {
    const view = this.deps.repository.require(request.sourceId);
    const input = await this.planInput(view, request);
    const count = await callerFacing(() => input.source.countSelection(request.selection));
    audit.targets([sourceTarget(view, count)]);
    guards.confirmCount(count, view.bulkConfirmThreshold);
    if (count === 0) throw new SluiceError('INVALID_INPUT', 'the selection holds no dead letters');
    const jobId = randomUUID();
    audit.jobId(jobId);
    const job = {
      id: jobId,
      environmentId: view.environmentId,
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

  pauseJob(jobId: string): ReplayJob {
    return this.deps.engine.pause(jobId);
  }

  resumeJob(jobId: string): ReplayJob {
    return this.deps.engine.resume(jobId);
  }

  cancelJob(jobId: string): ReplayJob {
    return this.deps.engine.cancel(jobId);
  }
}
