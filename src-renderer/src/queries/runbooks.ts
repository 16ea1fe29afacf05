import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput, Runbook, RunbookInput, RunbookMatchContext } from '@shared/contract';
import { useApi } from '../api/ApiContext';

export interface RunbookListFilter {
  text?: string;
  tag?: string;
}

/**
 * The runbook query keys. Everything lives under ['runbooks'] so a save or an
 * import can refresh lists, details and matches with one invalidation.
 */
export const runbookKeys = {
  all: ['runbooks'] as const,
  list: (filter: RunbookListFilter) =>
    ['runbooks', 'list', filter.text ?? '', filter.tag ?? ''] as const,
  /** version undefined = the current version (and the history). */
  detail: (id: string, version?: number) =>
    ['runbooks', 'detail', id, version ?? 'current'] as const,
  match: (context: RunbookMatchContext) =>
    [
      'runbooks',
      'match',
      context.errorClass ?? '',
      context.reason ?? '',
      context.alertKind ?? '',
      context.source ?? '',
      context.environment ?? '',
    ] as const,
};

/** Drops empty strings so an unset filter is absent rather than "". */
function compact<T extends Record<string, string | undefined>>(values: T): Partial<T> {
  const result: Partial<T> = {};
  for (const [key, value] of Object.entries(values) as [keyof T, string | undefined][]) {
    if (value !== undefined && value.trim() !== '') result[key] = value as T[keyof T];
  }
  return result;
}

export function useRunbooks(filter: RunbookListFilter = {}) {
  const api = useApi();
  const input = compact({ text: filter.text?.trim(), tag: filter.tag });
  return useQuery({
    queryKey: runbookKeys.list(input),
    queryFn: () => api.invoke('runbooks.list', input),
    // While the operator types, keep showing the last result instead of a flash of "loading".
    placeholderData: keepPreviousData,
  });
}

/** One runbook with its version history; `version` picks an older version. */
export function useRunbook(id: string | null, version?: number) {
  const api = useApi();
  return useQuery({
    queryKey: runbookKeys.detail(id ?? '', version),
    queryFn: () =>
      api.invoke('runbooks.get', version === undefined ? { id: id! } : { id: id!, version }),
    enabled: id !== null,
    // A stored version never changes; only the current one moves.
    staleTime: version === undefined ? 10_000 : Infinity,
  });
}

export function useMatchingRunbooks(context: RunbookMatchContext, enabled = true) {
  const api = useApi();
  const input = compact({ ...context });
  const hasTrigger = Boolean(input.errorClass || input.reason || input.alertKind);
  return useQuery({
    queryKey: runbookKeys.match(input),
    queryFn: () => api.invoke('runbooks.match', input),
    // Without an error class, a reason or an alert kind nothing can match.
    enabled: enabled && hasTrigger,
  });
}

export interface RunbookMutationOptions {
  /** Errors the caller shows next to the form rather than as a toast. */
  isHandledInline?: (error: unknown) => boolean;
}

export function useSaveRunbook(options: RunbookMutationOptions = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (runbook: RunbookInput) => api.invoke('runbooks.save', { runbook }),
    meta: { isHandledInline: options.isHandledInline },
    onSuccess: (saved: Runbook) => {
      void queryClient.invalidateQueries({ queryKey: runbookKeys.all });
      return saved;
    },
  });
}

export function useRemoveRunbook() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.invoke('runbooks.remove', { id }),
    onSuccess: (_result, id) => {
      queryClient.removeQueries({ queryKey: ['runbooks', 'detail', id] });
      void queryClient.invalidateQueries({ queryKey: runbookKeys.all });
    },
  });
}

export function useExportRunbooks(options: RunbookMutationOptions = {}) {
  const api = useApi();
  return useMutation({
    mutationFn: (input: ChannelInput<'runbooks.export'>) => api.invoke('runbooks.export', input),
    meta: { isHandledInline: options.isHandledInline },
  });
}

export function useImportRunbooks(options: RunbookMutationOptions = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (directory: string) => api.invoke('runbooks.import', { directory }),
    meta: { isHandledInline: options.isHandledInline },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: runbookKeys.all });
    },
  });
}
