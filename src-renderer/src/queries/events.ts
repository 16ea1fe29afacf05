import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useApi } from '../api/ApiContext';
import { queryKeys } from './keys';

/**
 * Keeps cached data in step with changes made elsewhere (another window,
 * another browser tab, the core itself): each core event invalidates the
 * queries it concerns. After the event stream was interrupted, events may
 * have been missed, so everything is refetched.
 */
export function useCoreEventInvalidation(onReconnect: (listener: () => void) => () => void) {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    const unsubscribers = [
      api.on('environments.changed', () => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.environments.all });
      }),
      api.on('settings.changed', () => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.settings });
        void queryClient.invalidateQueries({ queryKey: queryKeys.appInfo });
      }),
      onReconnect(() => {
        void queryClient.invalidateQueries();
      }),
    ];
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }, [api, queryClient, onReconnect]);
}
