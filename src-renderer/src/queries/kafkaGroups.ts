import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '@shared/contract';
import { useApi } from '../api/ApiContext';
import { monitoringKeys } from './monitoring';

export const kafkaGroupKeys = {
  all: ['kafka-groups'] as const,
  description: (environmentId: string, groupId: string) =>
    ['kafka-groups', environmentId, groupId] as const,
};

/** Members and offsets of one group, as the coordinator sees them now (polled while shown). */
export function useGroupDescription(environmentId: string, groupId: string) {
  const api = useApi();
  return useQuery({
    queryKey: kafkaGroupKeys.description(environmentId, groupId),
    queryFn: () => api.invoke('kafka.groups.describe', { environmentId, groupId }),
    refetchInterval: 5_000,
    staleTime: 1_000,
  });
}

/** A preview is asked for on a click and never cached: offsets move. */
export function useResetPreview() {
  const api = useApi();
  return useMutation({
    mutationFn: (input: ChannelInput<'kafka.offsets.previewReset'>) =>
      api.invoke('kafka.offsets.previewReset', input),
  });
}

export function useOffsetReset() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'kafka.offsets.reset'>) =>
      api.invoke('kafka.offsets.reset', input),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: kafkaGroupKeys.all });
      await queryClient.invalidateQueries({ queryKey: monitoringKeys.all });
    },
  });
}
