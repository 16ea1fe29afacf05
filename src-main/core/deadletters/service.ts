import {
  SluiceError,
  type BrowseFilter,
  type BrowseResult,
  type DeadLetterDetail,
  type DeadLetterSourceDraft,
  type DeadLetterSourceStats,
  type DeadLetterSourceView,
  type DiscardRequest,
  type EditValidation,
  type IndexState,
  type ReasonGroup,
} from '@shared/contract';
import type { AuditScope } from '../audit/scope';
import type { EnvironmentRecord } from '../environments/repository';
import type { Logger } from '@shared/log/logger';
import type { EventBus } from '../rpc/eventBus';
import type { CallGuards } from '../rpc/guards';
import { sourceTarget } from './auditTargets';
import type { Db } from '../store/database';
import { EnvironmentClients } from '../clients/environmentClients';
import { DeadLetterConnections, type EnvironmentAccess } from './clients/connections';
import { CountSampler } from './countSampler';
import { auditPayload, detailOf } from './detail';
import { EditStore } from './edit/editStore';
import { parseSchemaText, validateEdit } from './edit/validateEdit';
import { describeError } from './faults';
import { EntryIndex } from './index/entryIndex';
import { KeyedLock } from './lock';
import { ReplayEngine } from './replay/engine';
import { ReplayJournal } from './replay/journal';
import { ReplayService } from './replay/replayService';
import { callerFacing, withTimeout } from './callerErrors';
import { PLAN_CHUNK } from './replay/planner';
import type { DeadLetterSource } from './source';
import { SourceRepository } from './sources/repository';
import { SourceRegistry } from './sourceRegistry';

export interface DeadLetterServiceDeps {
  db: Db;
  environments: EnvironmentAccess;
  events: EventBus;
  logger: Logger;
  /** The app's client factory; a service built alone (tests) makes its own. */
  clients?: EnvironmentClients;
  /** Who is acting, for edits and jobs (the audit log records identity itself). */
  operatorName(): string;
  /** Test hooks: smaller batches, faster probes. */
  engine?: { batchSize?: number; probeIntervalMs?: number };
}

/** How long a browse waits for a stale index to catch up before answering from what it has. */
const BROWSE_WAIT_MS = 1500;
const COUNT_TIMEOUT_MS = 5000;

/**
 * The dead-letter workbench: source configuration, browse, edit, replay jobs
 * and discard. The guards every write passes through (read-only, production
 * confirmation) are the contract's, applied by the dispatcher; a bulk action
 * reports what it counted to them.
 */
export class DeadLetterService {
  private readonly repository: SourceRepository;
  private readonly index: EntryIndex;
  private readonly edits: EditStore;
  private readonly journal: ReplayJournal;
  private readonly connections: DeadLetterConnections;
  /** The factory this service made for itself, if it was given none. */
  private readonly ownClients: EnvironmentClients | null;
  private readonly registry: SourceRegistry;
  private readonly sampler = new CountSampler();
  readonly engine: ReplayEngine;
  readonly replays: ReplayService;
  private maintenance: NodeJS.Timeout | null = null;

  constructor(private readonly deps: DeadLetterServiceDeps) {
    this.repository = new SourceRepository(deps.db);
    this.index = new EntryIndex(deps.db);
    this.edits = new EditStore(deps.db);
    this.journal = new ReplayJournal(deps.db);
    const clients =
      deps.clients ??
      new EnvironmentClients({ environments: deps.environments, events: deps.events });
    this.ownClients = deps.clients ? null : clients;
    this.connections = new DeadLetterConnections(clients);
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
    this.replays = new ReplayService({
      repository: this.repository,
      environments: deps.environments,
      adapter: (view) => this.adapter(view),
      edits: this.edits,
      journal: this.journal,
      engine: this.engine,
      operatorName: () => deps.operatorName(),
    });
  }

  /**
   * Resumes the jobs a crash or a restart interrupted. The client factory
   * closes an environment's clients when it changes.
   */
  start(): void {
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
    if (this.maintenance) clearInterval(this.maintenance);
    await this.engine.stop();
    await this.connections.closeAll();
    await this.ownClients?.close();
  }

  private environment(id: string): EnvironmentRecord {
    return this.deps.environments.require(id);
  }

  private adapter(view: DeadLetterSourceView): DeadLetterSource {
    return this.registry.adapterFor(view);
  }

  /** One source's view; NOT_FOUND when there is none with that id. */
  source(sourceId: string): DeadLetterSourceView {
    return this.repository.require(sourceId);
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
    if (draft.id) audit.targets([sourceTarget(this.repository.require(draft.id))]);
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
    if (!draft.id) audit.targets([sourceTarget(saved)]);
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

  // --- discard -----------------------------------------------------------

  async discard(
    request: DiscardRequest,
    audit: AuditScope,
    guards: CallGuards,
  ): Promise<{ discarded: number; missing: number }> {
    const view = this.repository.require(request.sourceId);
    const source = this.adapter(view);
    if (request.selection.kind === 'filter') await source.refresh();
    const count = await callerFacing(() => source.countSelection(request.selection));
    audit.targets([sourceTarget(view, count)]);
    guards.confirmCount(count, view.bulkConfirmThreshold);
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
