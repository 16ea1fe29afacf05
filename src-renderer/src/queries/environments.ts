import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput, EnvironmentView } from '@shared/contract';
import { useApi } from '../api/ApiContext';
import { queryKeys } from './keys';

export function useEnvironments() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.environments.list,
    queryFn: () => api.invoke('environments.list', {}),
  });
}

export interface SaveEnvironmentOptions {
  /**
   * Errors the caller shows next to the form (field issues, the unencrypted
   * secret storage question) rather than as a toast.
   */
  isHandledInline?: (error: unknown) => boolean;
}

export function useSaveEnvironment(options: SaveEnvironmentOptions = {}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'environments.save'>) =>
      api.invoke('environments.save', input),
    meta: { isHandledInline: options.isHandledInline },
    onSuccess: (saved) => {
      queryClient.setQueryData<EnvironmentView[]>(queryKeys.environments.list, (list) => {
        if (!list) return list;
        const index = list.findIndex((environment) => environment.id === saved.id);
        return index === -1 ? [...list, saved] : list.map((e) => (e.id === saved.id ? saved : e));
      });
      void queryClient.invalidateQueries({ queryKey: queryKeys.environments.all });
    },
  });
}

export function useRemoveEnvironment() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.invoke('environments.remove', { id }),
    onSuccess: (_result, id) => {
      queryClient.setQueryData<EnvironmentView[]>(queryKeys.environments.list, (list) =>
        list?.filter((environment) => environment.id !== id),
      );
      queryClient.removeQueries({ queryKey: queryKeys.environments.detail(id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.environments.all });
    },
  });
}

/**
 * A connection test is read-only on the core side, but it is something the
 * operator fires with the form's current values, so it is a mutation here:
 * never cached, never retried behind their back. Its failures arrive as data
 * ({ ok: false, cause }) and are shown by the caller, not toasted.
 */
export function useTestConnection() {
  const api = useApi();
  return useMutation({
    mutationFn: (input: ChannelInput<'environments.testConnection'>) =>
      api.invoke('environments.testConnection', input),
    meta: { isHandledInline: () => true },
  });
}
