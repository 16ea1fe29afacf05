import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';

export const kafkaCatalogKeys = {
  all: ['kafka-catalog'] as const,
  catalog: (environmentId: string, version: string) =>
    ['kafka-catalog', environmentId, version] as const,
};

/**
 * The cluster's topics and groups for the pickers. Topics and groups come
 * and go rarely, and one listing costs the brokers a metadata request and
 * a ListOffsets per broker, so a listing is kept for a few minutes and every
 * form open in that time shares it; the pickers offer a manual refresh.
 * Never retried behind the operator's back: a cluster that is down answers
 * within the core's timeout, and the field falls back to plain text at once.
 */
export function useKafkaCatalog(
  environmentId: string | null,
  /** The environment's updatedAt: a listing from before its connection was edited is not reused. */
  version: string,
  enabled: boolean,
) {
  const api = useApi();
  return useQuery({
    queryKey: kafkaCatalogKeys.catalog(environmentId ?? '', version),
    queryFn: () => api.invoke('kafka.catalog', { environmentId: environmentId ?? '' }),
    enabled: enabled && environmentId !== null,
    staleTime: 3 * 60_000,
    retry: false,
    refetchOnWindowFocus: false,
  });
}
