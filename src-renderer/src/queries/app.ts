import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '@shared/contract';
import { useApi } from '../api/ApiContext';
import { queryKeys } from './keys';

export function useAppInfo() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.appInfo,
    queryFn: () => api.invoke('app.info', {}),
    staleTime: Infinity,
  });
}

export function useSettings() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.settings, queryFn: () => api.invoke('settings.get', {}) });
}

export function useUpdateSettings() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: ChannelInput<'settings.update'>) =>
      api.invoke('settings.update', changes),
    onSuccess: (settings) => {
      queryClient.setQueryData(queryKeys.settings, settings);
      // The operator's display name is part of app.info too.
      void queryClient.invalidateQueries({ queryKey: queryKeys.appInfo });
    },
  });
}

export function useSecretStorageStatus() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.secretStorageStatus,
    queryFn: () => api.invoke('secrets.status', {}),
    staleTime: Infinity,
  });
}
