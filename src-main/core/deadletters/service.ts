import { randomUUID } from 'node:crypto';
import {
  SluiceError,
  type BrowseFilter,
  type BrowseResult,
  type DeadLetterDetail,
  type DeadLetterSourceDraft,
  type DeadLetterSourceStats,
  type DeadLetterSourceView,
  type DiscardRequest,
  type DryRun,
  type EditValidation,
  type IndexState,
  type ReasonGroup,
  type ReplayJob,
  type ReplayRequest,
} from '../../../src-preload/contract';
import type { AuditScope } from '../audit/scope';
import type { EnvironmentRecord } from '../environments/repository';
import type { Logger } from '../log/logger';
import type { EventBus } from '../rpc/eventBus';
import type { Db } from '../store/database';
import { DeadLetterConnections, type EnvironmentAccess } from './clients/connections';
import { CountSampler } from './countSampler';
import { auditPayload, detailOf } from './detail';
import { EditStore } from './edit/editStore';
import { parseSchemaText, validateEdit } from './edit/validateEdit';
import { OutageError, describeError } from './faults';
import {
  assertBulkConfirmed,
  assertWritable,
  auditEnvironment,
  auditSource,
  confirmationRequired,
} from './guardrails';
import { EntryIndex } from './index/entryIndex';
import { KeyedLock } from './lock';
import { ReplayEngine } from './replay/engine';
import { ReplayJournal } from './replay/journal';
import { PLAN_CHUNK, dryRun, writePlan, type PlanInput } from './replay/planner';
import type { DeadLetterSource } from './source';
import { SourceRepository } from './sources/repository';
import { KafkaTopicSource } from './sources/kafkaSource';
import { SourceRegistry } from './sourceRegistry';

export interface DeadLetterServiceDeps {
  db: Db;
  environments: EnvironmentAccess;
  events: EventBus;
  logger: Logger;
  /** Who is acting, for edits and jobs (the audit log records identity itself). */
  operatorName(): string;
  /** Test hooks: smaller batches, faster probes. */
  engine?: { batchSize?: number; probeIntervalMs?: number };
}

/** How long a browse waits for a stale index to catch up before answering from what it has. */
const BROWSE_WAIT_MS = 1500;
const COUNT_TIMEOUT_MS = 5000;

/** What the job view says about where each message's replay id and origin travel. */
function replayNotes(view: DeadLetterSourceView, request: ReplayRequest): string[] {
  const settings = view.settings;
  if (settings.kind === 'kafka') {
    return ['Each record carries x-sluice-replay-id and x-sluice-origin headers.'];
  }
  if (settings.kind === 'redis') {
    if (settings.format === 'raw' || settings.replayMarking === 'none') {
      return [
        "Payloads are pushed byte for byte; each entry's replay id (job id:step) and origin are kept in the job journal.",
      ];
    }
    return [
      'JSON-object payloads carry "x-sluice-replay-id" and "x-sluice-origin" members; any other payload is pushed byte for byte and its replay id stays in the job journal.',
    ];
  }
  const target = request.target.kind === 'original' ? settings.defaultTarget : request.target;
  if (target?.kind === 'postgres-table') {
    return target.replayIdColumn === null
      ? ['The target table has no replay-id column configured: replay ids stay in the job journal.']
      : [`Each row carries its replay id in ${target.replayIdColumn}.`];
  }
  return [
    'JSON-object payloads carry "x-sluice-replay-id" and "x-sluice-origin" members; any other payload is pushed byte for byte and its replay id stays in the job journal.',
  ];
}

/** Errors of the servers become UNAVAILABLE for callers; anything else passes through. */
async function callerFacing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OutageError) throw new SluiceError('UNAVAILABLE', error.message);
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SluiceError('TIMEOUT', `${what} took longer than ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The dead-letter workbench: source configuration, browse, edit, replay jobs
 * and discard, with the guardrails every write passes through.
 */
export class DeadLetterService {
  private readonly repository: SourceRepository;
  private readonly index: EntryIndex;
  private readonly edits: EditStore;
  private readonly journal: ReplayJournal;
  private readonly connections: DeadLetterConnections;
  private readonly registry: SourceRegistry;
  private readonly sampler = new CountSampler();
  readonly engine: ReplayEngine;
  private unsubscribe: (() => void) | null = null;
  private maintenance: NodeJS.Timeout | null = null;

  constructor(private readonly deps: DeadLetterServiceDeps) {
    this.repository = new SourceRepository(deps.db);
    this.index = new EntryIndex(deps.db);
    this.edits = new EditStore(deps.db);
    this.journal = new ReplayJournal(deps.db);
    this.connections = new DeadLetterConnections(deps.environments);
    this.registry = new SourceRegistry({
      connections: this.connections,
      index: this.index,
      lock: new KeyedLock(),
      onIndexProgress: (sourceId, state, done, total) =>
        deps.events.emit('deadletters.index', { sourceId, state, done, total }),
    });
    this.engine = new ReplayEngine({
      journal: this.journal,
      sourceFor: async (sourceId) => this.adapter(this.repository.require(sourceId)),
      emitJob: (job) => deps.events.emit('deadletters.job', job),
      emitMoved: (environmentId, sourceId) =>
        deps.events.emit('deadletters.changed', { environmentId, sourceIds: [sourceId] }),
      logger: deps.logger,
      ...(deps.engine ?? {}),
    });
  }

  /** Resumes the jobs a crash or a restart interrupted, and follows environment changes. */
  start(): void {
    this.unsubscribe = this.deps.events.onAny((event, payload) => {
      if (event !== 'environments.changed') return;
      for (const id of (payload as { ids: string[] }).ids)
        void this.connections.closeEnvironment(id);
    });
    this.engine.resumeInterrupted();
    this.maintenance = setInterval(() => {
      for (const source of this.registry.all()) {
        source.maintain?.().catch((error: unknown) =>
          this.deps.logger.warn('dead-letter index upkeep failed', {
            error: describeError(error),
          }),
        );
      }
    }, 2000);
    this.maintenance.unref();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.maintenance) clearInterval(this.maintenance);
    await this.engine.stop();
    await this.connections.closeAll();
  }

  private environment(id: string): EnvironmentRecord {
    return this.deps.environments.require(id);
  }

  private adapter(view: DeadLetterSourceView): DeadLetterSource {
    return this.registry.adapterFor(view);
  }

  // --- sources -----------------------------------------------------------

  listSources(environmentId: string): DeadLetterSourceView[] {
    this.environment(environmentId);
    return this.repository.list(environmentId);
  }

  saveSource(
    environmentId: string,
    draft: DeadLetterSourceDraft,
    audit: AuditScope,
  ): DeadLetterSourceView {
    const environment = this.environment(environmentId);
    auditEnvironment(audit, environment);
    if (draft.id) auditSource(audit, this.repository.require(draft.id));
    if (draft.jsonSchema !== null && draft.jsonSchema.trim() !== '') {
      const parsed = parseSchemaText(draft.jsonSchema);
      if ('problem' in parsed) {
        throw new SluiceError('INVALID_INPUT', parsed.problem, {
          issues: [{ path: ['source', 'jsonSchema'], message: parsed.problem }],
        });
      }
    }
    const previous = draft.id ? this.repository.get(draft.id) : null;
    if (previous) audit.before(previous);
    const saved = this.repository.save(environmentId, {
      ...draft,
      jsonSchema:
        draft.jsonSchema !== null && draft.jsonSchema.trim() === '' ? null : draft.jsonSchema,
    });
    audit.after(saved);
    if (!draft.id) auditSource(audit, saved);
    // What the index holds was read with the old settings: start over.
    if (previous && JSON.stringify(previous.settings) !== JSON.stringify(saved.settings)) {
      this.index.clear(saved.id);
      this.sampler.forget(saved.id);
    }
    this.deps.events.emit('deadletters.changed', { environmentId, sourceIds: [saved.id] });
    return saved;
  }

  removeSource(sourceId: string, audit: AuditScope): void {
    const source = this.repository.require(sourceId);
    auditEnvironment(audit, this.environment(source.environmentId));
    auditSource(audit, source);
    audit.before(source);
    this.index.clear(sourceId);
    this.repository.remove(sourceId);
    this.registry.forget(sourceId);
    this.sampler.forget(sourceId);
    this.deps.events.emit('deadletters.changed', {
      environmentId: source.environmentId,
      sourceIds: [sourceId],
    });
  }

  async stats(environmentId: string): Promise<DeadLetterSourceStats[]> {
    const sources = this.listSources(environmentId);
    return Promise.all(
      sources.map(async (view) => {
        const sampledAt = new Date().toISOString();
        try {
          const count = await withTimeout(this.adapter(view).count(), COUNT_TIMEOUT_MS, 'counting');
          this.sampler.record(view.id, count);
          return {
            sourceId: view.id,
            state: 'ok' as const,
            count,
            growthPerMinute: this.sampler.growthPerMinute(view.id),
            error: null,
            sampledAt,
          };
        } catch (error) {
          return {
            sourceId: view.id,
            state: 'down' as const,
            count: null,
            growthPerMinute: this.sampler.growthPerMinute(view.id),
            error: error instanceof SluiceError ? error.message : describeError(error),
            sampledAt,
          };
        }
      }),
    );
  }

  // --- browse ------------------------------------------------------------

  private async freshEnough(source: DeadLetterSource): Promise<IndexState> {
    const state = source.indexState();
    if (state.state === 'fresh' || state.state === 'live') return state;
    const refreshing = source.refresh();
    const waited = await Promise.race([
      refreshing,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), BROWSE_WAIT_MS).unref()),
    ]);
    return waited ?? source.indexState();
  }

  async browse(
    sourceId: string,
    filter: BrowseFilter,
    offset: number,
    limit: number,
  ): Promise<BrowseResult> {
    const view = this.repository.require(sourceId);
    const source = this.adapter(view);
    const index = await this.freshEnough(source);
    const page = await callerFacing(() => source.page(filter, offset, limit));
    const edited = this.edits.keys(
      sourceId,
      page.rows.map((row) => row.key),
    );
    return {
      rows: page.rows.map((row) => (edited.has(row.key) ? { ...row, edited: true } : row)),
      total: page.total,
      offset,
      index,
    };
  }

  async topReasons(sourceId: string, filter: BrowseFilter, limit: number): Promise<ReasonGroup[]> {
    const source = this.adapter(this.repository.require(sourceId));
    await this.freshEnough(source);
    return callerFacing(() => source.topReasons(filter, limit));
  }

  async refreshIndex(sourceId: string): Promise<IndexState> {
    return this.adapter(this.repository.require(sourceId)).refresh();
  }

  async get(sourceId: string, key: string): Promise<DeadLetterDetail> {
    const source = this.adapter(this.repository.require(sourceId));
    const snapshot = await callerFacing(() => source.get(key));
    if (!snapshot) throw new SluiceError('NOT_FOUND', `no dead letter ${key} in this source`);
    return detailOf(snapshot, this.edits.get(sourceId, key));
  }

  // --- edit --------------------------------------------------------------

  validateEdit(sourceId: string, text: string): EditValidation {
    return validateEdit(text, this.repository.require(sourceId).jsonSchema);
  }

  async saveEdit(
    sourceId: string,
    key: string,
    text: string,
    audit: AuditScope,
  ): Promise<DeadLetterDetail> {
    const view = this.repository.require(sourceId);
    const environment = this.environment(view.environmentId);
    auditEnvironment(audit, environment);
    audit.targets([{ type: 'dead-letter', id: `${sourceId}/${key}`, name: `${view.name} ${key}` }]);
    assertWritable(environment, 'editing a dead letter');
    const validation = validateEdit(text, view.jsonSchema);
    if (!validation.ok) {
      const message = validation.syntax
        ? `not valid JSON: ${validation.syntax.message} at line ${validation.syntax.line} column ${validation.syntax.column}`
        : `does not match the source's JSON Schema: ${validation.schema
            .slice(0, 3)
            .map((p) => `${p.path} ${p.message}`)
            .join('; ')}`;
      throw new SluiceError('INVALID_INPUT', message, { validation });
    }
    const source = this.adapter(view);
    const snapshot = await callerFacing(() => source.get(key));
    if (!snapshot) throw new SluiceError('NOT_FOUND', `no dead letter ${key} in this source`);
    const before = this.edits.get(sourceId, key)?.payload ?? snapshot.payload;
    const after = Buffer.from(text, 'utf8');
    audit.before(auditPayload(before));
    audit.after(auditPayload(after));
    this.edits.save(sourceId, key, after, this.deps.operatorName());
    this.deps.events.emit('deadletters.changed', {
      environmentId: view.environmentId,
      sourceIds: [sourceId],
    });
    return detailOf(snapshot, this.edits.get(sourceId, key));
  }

  async revertEdit(sourceId: string, key: string, audit: AuditScope): Promise<DeadLetterDetail> {
    const view = this.repository.require(sourceId);
    const environment = this.environment(view.environmentId);
    auditEnvironment(audit, environment);
    audit.targets([{ type: 'dead-letter', id: `${sourceId}/${key}`, name: `${view.name} ${key}` }]);
    assertWritable(environment, 'reverting an edit');
    const snapshot = await callerFacing(() => this.adapter(view).get(key));
    if (!snapshot) throw new SluiceError('NOT_FOUND', `no dead letter ${key} in this source`);
    const edit = this.edits.get(sourceId, key);
    if (edit) {
      audit.before(auditPayload(edit.payload));
      audit.after(auditPayload(snapshot.payload));
    }
    this.edits.remove(sourceId, [key]);
    this.deps.events.emit('deadletters.changed', {
      environmentId: view.environmentId,
      sourceIds: [sourceId],
    });
    return detailOf(snapshot, null);
  }

  // --- replay ------------------------------------------------------------

  private async planInput(view: DeadLetterSourceView, request: ReplayRequest): Promise<PlanInput> {
    const source = this.adapter(view);
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
    if (source instanceof KafkaTopicSource) {
      // Learns whether the cluster allows an idempotent producer, for the delivery text.
      // Unreachable now: the job starts anyway and pauses until the cluster answers.
      await source.prepareDelivery().catch(() => undefined);
    }
    return { source, sourceView: view, request, edits: this.edits.all(view.id) };
  }

  async dryRun(request: ReplayRequest): Promise<DryRun> {
    const view = this.repository.require(request.sourceId);
    const environment = this.environment(view.environmentId);
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
    const view = this.repository.require(request.sourceId);
    const environment = this.environment(view.environmentId);
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
        writePlan(input, this.journal, job, replayNotes(view, request)),
      );
      if (total === 0)
        throw new SluiceError('INVALID_INPUT', 'the selection holds no dead letters');
    } catch (error) {
      this.journal.dropJob(jobId);
      throw error;
    }
    this.engine.start(jobId);
    return this.engine.view(jobId);
  }

  listJobs(environmentId: string, limit: number): ReplayJob[] {
    return this.journal.list(environmentId, limit).map((job) => this.engine.view(job.id));
  }

  getJob(jobId: string): ReplayJob {
    return this.engine.view(jobId);
  }

  private jobEnvironment(jobId: string, audit: AuditScope, action: string): void {
    const job = this.engine.view(jobId);
    const environment = this.environment(job.environmentId);
    auditEnvironment(audit, environment);
    audit.jobId(jobId);
    audit.targets([{ type: 'replay-job', id: jobId, name: job.sourceName }]);
    assertWritable(environment, action);
  }

  pauseJob(jobId: string, audit: AuditScope): ReplayJob {
    this.jobEnvironment(jobId, audit, 'pausing a replay');
    return this.engine.pause(jobId);
  }

  resumeJob(jobId: string, audit: AuditScope): ReplayJob {
    this.jobEnvironment(jobId, audit, 'resuming a replay');
    return this.engine.resume(jobId);
  }

  cancelJob(jobId: string, audit: AuditScope): ReplayJob {
    this.jobEnvironment(jobId, audit, 'cancelling a replay');
    return this.engine.cancel(jobId);
  }

  // --- discard -----------------------------------------------------------

  async discard(
    request: DiscardRequest,
    audit: AuditScope,
  ): Promise<{ discarded: number; missing: number }> {
    const view = this.repository.require(request.sourceId);
    const environment = this.environment(view.environmentId);
    auditEnvironment(audit, environment);
    auditSource(audit, view);
    assertWritable(environment, 'discard');
    const source = this.adapter(view);
    if (request.selection.kind === 'filter') await source.refresh();
    const count = await callerFacing(() => source.countSelection(request.selection));
    auditSource(audit, view, count);
    assertBulkConfirmed(environment, view, count, request.confirmEnvironmentName);
    let discarded = 0;
    let missing = 0;
    const seen: string[] = [];
    await callerFacing(async () => {
      for await (const chunk of source.select(request.selection, PLAN_CHUNK)) {
        const outcome = await source.discard(chunk, request.reason);
        discarded += outcome.discarded;
        missing += outcome.missing;
        seen.push(...chunk.map((entry) => entry.key));
      }
    });
    if (request.selection.kind === 'keys') {
      // Keys that were not found at all are missing too.
      missing += new Set(request.selection.keys).size - seen.length;
    }
    audit.after({ discarded, missing, reason: request.reason });
    this.deps.events.emit('deadletters.changed', {
      environmentId: view.environmentId,
      sourceIds: [view.id],
    });
    return { discarded, missing };
  }
}
