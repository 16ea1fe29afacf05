import type { EnvironmentRecord } from '../environments/repository';
import type { HandlersFor } from '../rpc/dispatcher';
import type { SubjectResolvers } from '../rpc/guards';
import { entryTarget, sourceTarget } from './auditTargets';
import type { DeadLetterService } from './service';

/**
 * Where the dead-letter subjects live: a source and its entries in the
 * source's environment, a replay job in the environment it was started in.
 */
export function deadLetterSubjects(
  service: DeadLetterService,
  environments: { require(id: string): EnvironmentRecord },
): Pick<SubjectResolvers, 'dead-letter-source' | 'dead-letter' | 'replay-job'> {
  return {
    'dead-letter-source': ({ sourceId }) => {
      const source = service.source(sourceId);
      return {
        environment: environments.require(source.environmentId),
        targets: [sourceTarget(source)],
      };
    },
    'dead-letter': ({ sourceId, key }) => {
      const source = service.source(sourceId);
      return {
        environment: environments.require(source.environmentId),
        targets: [entryTarget(source, key)],
      };
    },
    'replay-job': ({ jobId }) => {
      const job = service.replays.getJob(jobId);
      return {
        environment: environments.require(job.environmentId),
        targets: [{ type: 'replay-job', id: jobId, name: job.sourceName }],
        jobId,
      };
    },
  };
}

export function deadLetterHandlers(
  service: DeadLetterService,
): HandlersFor<
  | 'deadletters.sources.list'
  | 'deadletters.sources.stats'
  | 'deadletters.sources.save'
  | 'deadletters.sources.remove'
  | 'deadletters.browse'
  | 'deadletters.topReasons'
  | 'deadletters.refreshIndex'
  | 'deadletters.get'
  | 'deadletters.validateEdit'
  | 'deadletters.saveEdit'
  | 'deadletters.revertEdit'
  | 'deadletters.dryRun'
  | 'deadletters.replay'
  | 'deadletters.jobs.list'
  | 'deadletters.jobs.get'
  | 'deadletters.jobs.pause'
  | 'deadletters.jobs.resume'
  | 'deadletters.jobs.cancel'
  | 'deadletters.discard'
> {
  return {
    'deadletters.sources.list': async ({ environmentId }) => service.listSources(environmentId),
    'deadletters.sources.stats': async ({ environmentId }) => service.stats(environmentId),
    'deadletters.sources.save': async ({ environmentId, source }, ctx) =>
      service.saveSource(environmentId, source, ctx.audit),
    'deadletters.sources.remove': async ({ sourceId }, ctx) => {
      service.removeSource(sourceId, ctx.audit);
      return { removed: true as const };
    },
    'deadletters.browse': async ({ sourceId, filter, offset, limit }) =>
      service.browse(sourceId, filter, offset, limit),
    'deadletters.topReasons': async ({ sourceId, filter, limit }) =>
      service.topReasons(sourceId, filter, limit),
    'deadletters.refreshIndex': async ({ sourceId }) => service.refreshIndex(sourceId),
    'deadletters.get': async ({ sourceId, key }) => service.get(sourceId, key),
    'deadletters.validateEdit': async ({ sourceId, text }) => service.validateEdit(sourceId, text),
    'deadletters.saveEdit': async ({ sourceId, key, text }, ctx) =>
      service.saveEdit(sourceId, key, text, ctx.audit),
    'deadletters.revertEdit': async ({ sourceId, key }, ctx) =>
      service.revertEdit(sourceId, key, ctx.audit),
    'deadletters.dryRun': async (request) => service.replays.dryRun(request),
    'deadletters.replay': async (request, ctx) =>
      service.replays.replay(request, ctx.audit, ctx.guards),
    'deadletters.jobs.list': async ({ environmentId, limit }) =>
      service.replays.listJobs(environmentId, limit),
    'deadletters.jobs.get': async ({ jobId }) => service.replays.getJob(jobId),
    'deadletters.jobs.pause': async ({ jobId }) => service.replays.pauseJob(jobId),
    'deadletters.jobs.resume': async ({ jobId }) => service.replays.resumeJob(jobId),
    'deadletters.jobs.cancel': async ({ jobId }) => service.replays.cancelJob(jobId),
    'deadletters.discard': async (request, ctx) => service.discard(request, ctx.audit, ctx.guards),
  };
}
