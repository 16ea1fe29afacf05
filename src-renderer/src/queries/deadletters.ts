import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { useEffect } from 'react';
import type {
  BrowseFilter,
  ChannelInput,
  DeadLetterSourceInput,
  ReplayJob,
  ReplayRequestInput,
} from '@shared/contract';
import { useApi } from '../api/ApiContext';
import { isNewerJob, isUnfinished, keepNewerJobs } from './replayJobFreshness';

/** Everything of the workbench lives under ['deadletters'] for one-shot invalidation. */
export const deadLetterKeys = {
  all: ['deadletters'] as const,
  sources: (environmentId: string) => ['deadletters', 'sources', environmentId] as const,
  stats: (environmentId: string) => ['deadletters', 'stats', environmentId] as const,
  source: (sourceId: string) => ['deadletters', 'source', sourceId] as const,
  page: (sourceId: string, filter: BrowseFilter, offset: number, limit: number) =>
    ['deadletters', 'source', sourceId, 'page', filter, offset, limit] as const,
  reasons: (sourceId: string, filter: BrowseFilter) =>
    ['deadletters', 'source', sourceId, 'reasons', filter] as const,
  entry: (sourceId: string, key: string) =>
    ['deadletters', 'source', sourceId, 'entry', key] as const,
  jobs: (environmentId: string) => ['deadletters', 'jobs', environmentId] as const,
};

export const PAGE_SIZE = 100;

export function useDeadLetterSources(environmentId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: deadLetterKeys.sources(environmentId ?? ''),
    queryFn: () => api.invoke('deadletters.sources.list', { environmentId: environmentId! }),
    enabled: environmentId !== null,
  });
}

/** Counts and growth, asked of the servers every few seconds. */
export function useDeadLetterStats(environmentId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: deadLetterKeys.stats(environmentId ?? ''),
    queryFn: () => api.invoke('deadletters.sources.stats', { environmentId: environmentId! }),
    enabled: environmentId !== null,
    refetchInterval: 5000,
    placeholderData: keepPreviousData,
  });
}

export function useSaveDeadLetterSource(environmentId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (source: DeadLetterSourceInput) =>
      api.invoke('deadletters.sources.save', { environmentId, source }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deadLetterKeys.all }),
  });
}

export function useRemoveDeadLetterSource() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sourceId: string) => api.invoke('deadletters.sources.remove', { sourceId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deadLetterKeys.all }),
  });
}

/** One page of a browse; a virtualized list asks for the pages it shows. */
export function useDeadLetterPage(
  sourceId: string,
  filter: BrowseFilter,
  offset: number,
  enabled = true,
) {
  const api = useApi();
  return useQuery({
    queryKey: deadLetterKeys.page(sourceId, filter, offset, PAGE_SIZE),
    queryFn: () => api.invoke('deadletters.browse', { sourceId, filter, offset, limit: PAGE_SIZE }),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 2000,
  });
}

export function fetchDeadLetterPage(
  queryClient: QueryClient,
  api: ReturnType<typeof useApi>,
  sourceId: string,
  filter: BrowseFilter,
  offset: number,
) {
  return queryClient.fetchQuery({
    queryKey: deadLetterKeys.page(sourceId, filter, offset, PAGE_SIZE),
    queryFn: () => api.invoke('deadletters.browse', { sourceId, filter, offset, limit: PAGE_SIZE }),
    staleTime: 2000,
  });
}

export function useTopReasons(sourceId: string, filter: BrowseFilter) {
  const api = useApi();
  return useQuery({
    queryKey: deadLetterKeys.reasons(sourceId, filter),
    queryFn: () => api.invoke('deadletters.topReasons', { sourceId, filter, limit: 12 }),
    placeholderData: keepPreviousData,
    staleTime: 2000,
  });
}

export function useRefreshIndex() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sourceId: string) => api.invoke('deadletters.refreshIndex', { sourceId }),
    onSuccess: (_state, sourceId) =>
      queryClient.invalidateQueries({ queryKey: deadLetterKeys.source(sourceId) }),
  });
}

export function useDeadLetter(sourceId: string, key: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: deadLetterKeys.entry(sourceId, key ?? ''),
    queryFn: () => api.invoke('deadletters.get', { sourceId, key: key! }),
    enabled: key !== null,
    // A 10 MB payload is not something to fetch again on every focus.
    refetchOnWindowFocus: false,
  });
}

export function useValidateEdit() {
  const api = useApi();
  return useMutation({
    mutationFn: (input: ChannelInput<'deadletters.validateEdit'>) =>
      api.invoke('deadletters.validateEdit', input),
  });
}

export function useSaveEdit(sourceId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { key: string; text: string }) =>
      api.invoke('deadletters.saveEdit', { sourceId, ...input }),
    onSuccess: (detail, input) => {
      queryClient.setQueryData(deadLetterKeys.entry(sourceId, input.key), detail);
      void queryClient.invalidateQueries({ queryKey: deadLetterKeys.source(sourceId) });
    },
  });
}

export function useRevertEdit(sourceId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => api.invoke('deadletters.revertEdit', { sourceId, key }),
    onSuccess: (detail, key) => {
      queryClient.setQueryData(deadLetterKeys.entry(sourceId, key), detail);
      void queryClient.invalidateQueries({ queryKey: deadLetterKeys.source(sourceId) });
    },
  });
}

export function useDryRun() {
  const api = useApi();
  return useMutation({
    mutationFn: (request: ReplayRequestInput) => api.invoke('deadletters.dryRun', request),
  });
}

export function useStartReplay() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: ReplayRequestInput) => api.invoke('deadletters.replay', request),
    onSuccess: (job) => {
      void queryClient.invalidateQueries({ queryKey: deadLetterKeys.jobs(job.environmentId) });
    },
  });
}

export function useReplayJobs(environmentId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: deadLetterKeys.jobs(environmentId ?? ''),
    queryFn: () =>
      api.invoke('deadletters.jobs.list', { environmentId: environmentId!, limit: 20 }),
    enabled: environmentId !== null,
    // A list fetched while a job moved on can answer after that job's newer
    // state arrived as an event: keep whichever state of each job is newer.
    structuralSharing: (old, fetched) =>
      keepNewerJobs(old as ReplayJob[] | undefined, fetched as ReplayJob[]),
    // Events carry progress; this catches up if the event stream dropped one.
    refetchInterval: (query) => (query.state.data?.some(isUnfinished) ? 5_000 : false),
  });
}

export function useJobControl() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ jobId, action }: { jobId: string; action: 'pause' | 'resume' | 'cancel' }) =>
      api.invoke(`deadletters.jobs.${action}`, { jobId }),
    onSuccess: (job) => updateJob(queryClient, job),
  });
}

export function useDiscard() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'deadletters.discard'>) =>
      api.invoke('deadletters.discard', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deadLetterKeys.all }),
  });
}

/** Puts a job's latest state into the job list without a refetch; an older state is ignored. */
function updateJob(queryClient: QueryClient, job: ReplayJob): void {
  queryClient.setQueryData<ReplayJob[]>(deadLetterKeys.jobs(job.environmentId), (jobs) => {
    if (!jobs) return jobs;
    const index = jobs.findIndex((existing) => existing.id === job.id);
    if (index < 0) return [job, ...jobs];
    if (!isNewerJob(job, jobs[index]!)) return jobs;
    const next = [...jobs];
    next[index] = job;
    return next;
  });
}

/**
 * Keeps the workbench live: job progress goes straight into the job list,
 * moves and edits refresh the lists and counts of their source, and a
 * finished index sync refreshes what was read from the index.
 */
export function useDeadLetterEvents() {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    const unsubscribers = [
      api.on('deadletters.job', (job) => {
        const known = queryClient.getQueryData<ReplayJob[]>(deadLetterKeys.jobs(job.environmentId));
        if (known) updateJob(queryClient, job);
        else
          void queryClient.invalidateQueries({ queryKey: deadLetterKeys.jobs(job.environmentId) });
      }),
      api.on('deadletters.changed', ({ environmentId, sourceIds }) => {
        void queryClient.invalidateQueries({ queryKey: deadLetterKeys.stats(environmentId) });
        void queryClient.invalidateQueries({ queryKey: deadLetterKeys.sources(environmentId) });
        for (const sourceId of sourceIds) {
          void queryClient.invalidateQueries({ queryKey: deadLetterKeys.source(sourceId) });
        }
      }),
      api.on('deadletters.index', ({ sourceId, state }) => {
        if (state !== 'syncing') {
          void queryClient.invalidateQueries({ queryKey: deadLetterKeys.source(sourceId) });
        }
      }),
    ];
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }, [api, queryClient]);
}
