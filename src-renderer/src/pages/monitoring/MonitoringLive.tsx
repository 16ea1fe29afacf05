import { useAlertNotifications, useMonitoringLiveUpdates } from '../../queries/monitoring';

/** Keeps monitoring views live and announces new alerts; renders nothing. */
export function MonitoringLive() {
  useMonitoringLiveUpdates();
  useAlertNotifications();
  return null;
}
