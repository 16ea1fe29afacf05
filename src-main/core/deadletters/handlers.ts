import type { HandlersFor } from '../rpc/dispatcher';
import type { DeadLetterService } from './service';

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
    'deadletters.replay': async (request, ctx) => service.replays.replay(request, ctx.audit),
    'deadletters.jobs.list': async ({ environmentId, limit }) =>
      service.replays.listJobs(environmentId, limit),
    'deadletters.jobs.get': async ({ jobId }) => service.replays.getJob(jobId),
    'deadletters.jobs.pause': async ({ jobId }, ctx) => service.replays.pauseJob(jobId, ctx.audit),
    'deadletters.jobs.resume': async ({ jobId }, ctx) =>
      service.replays.resumeJob(jobId, ctx.audit),
    'deadletters.jobs.cancel': async ({ jobId }, ctx) =>
      service.replays.cancelJob(jobId, ctx.audit),
    'deadletters.discard': async (request, ctx) => service.discard(request, ctx.audit),
  };
}
