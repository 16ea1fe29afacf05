import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type {
  Alert,
  AlertState,
  ChannelInput,
  HistoryMetric,
  HistoryWindow,
} from '@shared/contract';
import { useApi } from '../api/ApiContext';
import { pushToast } from '../components/toastStore';

/** Every monitoring query lives under ['monitoring'], so one invalidation can refresh them all. */
export const monitoringKeys = {
  all: ['monitoring'] as const,
  overview: ['monitoring', 'overview'] as const,
  live: (environmentId: string) => ['monitoring', 'live', environmentId] as const,
  snapshot: (environmentId: string) => ['monitoring', 'live', environmentId, 'snapshot'] as const,
  partitions: (environmentId: string, groupId: string | null) =>
    ['monitoring', 'live', environmentId, 'partitions', groupId ?? '*'] as const,
  history: (environmentId: string, window: HistoryWindow, series: string) =>
    ['monitoring', 'history', environmentId, window, series] as const,
  historyOf: (environmentId: string) => ['monitoring', 'history', environmentId] as const,
  alerts: ['monitoring', 'alerts'] as const,
  alertList: (environmentId: string | null, states: readonly AlertState[]) =>
    ['monitoring', 'alerts', environmentId ?? '*', states.join(',')] as const,
  config: (environmentId: string) => ['monitoring', 'config', environmentId] as const,
};

export function useMonitoringOverview() {
  const api = useApi();
  return useQuery({
    queryKey: monitoringKeys.overview,
    queryFn: () => api.invoke('monitoring.overview', {}),
    staleTime: 2_000,
  });
}

export function useMonitoringSnapshot(environmentId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: monitoringKeys.snapshot(environmentId ?? ''),
    queryFn: () => api.invoke('monitoring.snapshot', { environmentId: environmentId! }),
    enabled: environmentId !== null,
    staleTime: 1_000,
    placeholderData: keepPreviousData,
  });
}

export function usePartitions(environmentId: string | null, groupId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: monitoringKeys.partitions(environmentId ?? '', groupId),
    queryFn: () =>
      api.invoke(
        'monitoring.partitions',
        groupId === null
          ? { environmentId: environmentId! }
          : { environmentId: environmentId!, groupId },
      ),
    enabled: environmentId !== null && groupId !== null,
    staleTime: 1_000,
    placeholderData: keepPreviousData,
  });
}

export interface SeriesRef {
  metric: HistoryMetric;
  key: string;
}

export function useHistory(
  environmentId: string | null,
  window: HistoryWindow,
  series: readonly SeriesRef[],
) {
  const api = useApi();
  const seriesKey = series.map((s) => `${s.metric}:${s.key}`).join('|');
  return useQuery({
    queryKey: monitoringKeys.history(environmentId ?? '', window, seriesKey),
    queryFn: () =>
      api.invoke('monitoring.history', {
        environmentId: environmentId!,
        window,
        series: series.map((s) => ({ metric: s.metric, key: s.key })),
      }),
    enabled: environmentId !== null && series.length > 0,
    staleTime: window === '24h' || window === '7d' ? 60_000 : 5_000,
    placeholderData: keepPreviousData,
  });
}

export function useAlerts(
  environmentId: string | null,
  states: readonly AlertState[] = ['open', 'acknowledged'],
) {
  const api = useApi();
  return useQuery({
    queryKey: monitoringKeys.alertList(environmentId, states),
    queryFn: () =>
      api.invoke('monitoring.alerts.list', {
        ...(environmentId ? { environmentId } : {}),
        states: [...states],
        limit: 200,
      }),
    staleTime: 5_000,
  });
}

function useAlertAction(channel: 'monitoring.alerts.acknowledge' | 'monitoring.alerts.resolve') {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.invoke(channel, { id }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: monitoringKeys.alerts });
      void queryClient.invalidateQueries({ queryKey: monitoringKeys.overview });
    },
  });
}

export const useAcknowledgeAlert = () => useAlertAction('monitoring.alerts.acknowledge');
export const useResolveAlert = () => useAlertAction('monitoring.alerts.resolve');

export function useMonitoringConfig(environmentId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: monitoringKeys.config(environmentId ?? ''),
    queryFn: () => api.invoke('monitoring.config.get', { environmentId: environmentId! }),
    enabled: environmentId !== null,
  });
}

export function useSaveMonitoringConfig(isHandledInline?: (error: unknown) => boolean) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'monitoring.config.save'>) =>
      api.invoke('monitoring.config.save', input),
    meta: { isHandledInline },
    onSuccess: (saved, input) => {
      queryClient.setQueryData(monitoringKeys.config(input.environmentId), saved);
      void queryClient.invalidateQueries({ queryKey: monitoringKeys.all });
    },
  });
}

/** Invalidates at most once per `ms` per key, so a 1 s poll does not mean a refetch storm. */
function throttled(ms: number) {
  const last = new Map<string, number>();
  return (key: string, run: () => void) => {
    const now = Date.now();
    if (now - (last.get(key) ?? 0) < ms) return;
    last.set(key, now);
    run();
  };
}

/**
 * Keeps the monitoring views live: samples refresh the environment's live
 * data (history less often), health changes and alert changes refresh at
 * once. Mounted once, at the top of the app.
 */
export function useMonitoringLiveUpdates() {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    const live = throttled(1_000);
    const history = throttled(5_000);
    const refreshLive = (environmentId: string) => {
      void queryClient.invalidateQueries({ queryKey: monitoringKeys.live(environmentId) });
      void queryClient.invalidateQueries({ queryKey: monitoringKeys.overview });
    };
    const unsubscribers = [
      api.on('monitoring.sample', ({ environmentId }) => {
        live(environmentId, () => refreshLive(environmentId));
        history(environmentId, () => {
          void queryClient.invalidateQueries({ queryKey: monitoringKeys.historyOf(environmentId) });
        });
      }),
      api.on('monitoring.health', ({ environmentId }) => refreshLive(environmentId)),
      api.on('monitoring.alerts', () => {
        void queryClient.invalidateQueries({ queryKey: monitoringKeys.alerts });
        void queryClient.invalidateQueries({ queryKey: monitoringKeys.overview });
      }),
      api.on('monitoring.config', ({ environmentId }) => {
        void queryClient.invalidateQueries({ queryKey: monitoringKeys.config(environmentId) });
        refreshLive(environmentId);
      }),
    ];
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }, [api, queryClient]);
}

/**
 * Tells the operator when an alert opens: an in-app toast always, and in
 * browser mode the browser's own notification when the page may show one
 * (the desktop app's core raises a system notification itself).
 */
export function useAlertNotifications() {
  const api = useApi();
  const announced = useRef(new Set<string>());
  useEffect(() => {
    let cancelled = false;
    const announce = (alert: Alert) => {
      if (announced.current.has(alert.id)) return;
      announced.current.add(alert.id);
      pushToast({ kind: 'info', title: alert.title, message: alert.detail });
      if (
        api.transport === 'http' &&
        typeof Notification !== 'undefined' &&
        Notification.permission === 'granted' &&
        document.visibilityState !== 'visible'
      ) {
        new Notification(alert.title, { body: alert.detail, tag: alert.id });
      }
    };
    const unsubscribe = api.on('monitoring.alerts', ({ environmentId, alertIds }) => {
      void api
        .invoke('monitoring.alerts.list', { environmentId, states: ['open'], limit: 50 })
        .then((alerts) => {
          if (cancelled) return;
          for (const alert of alerts) if (alertIds.includes(alert.id)) announce(alert);
        })
        .catch(() => undefined);
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [api]);
}
