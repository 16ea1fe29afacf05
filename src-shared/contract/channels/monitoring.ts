import { z } from 'zod';
import { mutation, query } from '../define';
import {
  kafkaGroupIdSchema,
  monitoringConfigSchema,
  storedMonitoringConfigSchema,
} from './monitoringConfig';
import {
  alertSchema,
  alertStateSchema,
  historyResultSchema,
  historySeriesSchema,
  historyWindowSchema,
  monitoringSnapshotSchema,
  overviewRowSchema,
  partitionRowSchema,
} from './monitoringReadings';

export * from './monitoringConfig';
export * from './monitoringReadings';

const environmentIdSchema = z.string().uuid();

// ---------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------

const byEnvironment = z.object({ environmentId: environmentIdSchema }).strict();

export const monitoringChannels = {
  'monitoring.config.get': query(
    'The monitoring configuration of one environment (null: not monitored)',
    byEnvironment,
    storedMonitoringConfigSchema.nullable(),
  ),
  'monitoring.config.save': mutation(
    'Save (or with null remove) the monitoring configuration of one environment; its monitors restart',
    z
      .object({ environmentId: environmentIdSchema, config: monitoringConfigSchema.nullable() })
      .strict(),
    storedMonitoringConfigSchema.nullable(),
    // Monitors only read: configuring them is allowed in read-only environments.
    { environment: (i) => ({ kind: 'environment', environmentId: i.environmentId }) },
  ),
  'monitoring.overview': query(
    'One row per environment: depth and trend, worst group status, sync gap, dead letters, alerts, source health',
    z.object({}).strict(),
    z.array(overviewRowSchema),
  ),
  'monitoring.snapshot': query(
    'Everything the monitors of one environment know now',
    byEnvironment,
    monitoringSnapshotSchema,
  ),
  'monitoring.partitions': query(
    'Per-partition lag of one environment, optionally one group',
    z
      .object({ environmentId: environmentIdSchema, groupId: kafkaGroupIdSchema.optional() })
      .strict(),
    z.array(partitionRowSchema),
  ),
  'monitoring.history': query(
    'Stored samples of some series over a window, bucketed for charts',
    z
      .object({
        environmentId: environmentIdSchema,
        window: historyWindowSchema,
        series: z.array(historySeriesSchema).min(1).max(20),
      })
      .strict(),
    historyResultSchema,
  ),
  'monitoring.alerts.list': query(
    'Alerts, newest first; by default the open and acknowledged ones',
    z
      .object({
        environmentId: environmentIdSchema.optional(),
        states: z.array(alertStateSchema).min(1).default(['open', 'acknowledged']),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    z.array(alertSchema),
  ),
  'monitoring.alerts.acknowledge': mutation(
    'Acknowledge an open alert: someone is on it',
    z.object({ id: z.string().min(1).max(64) }).strict(),
    alertSchema,
    // Alerts live in Sluice: acting on one changes nothing on the servers.
    { environment: (i) => ({ kind: 'alert', alertId: i.id }) },
  ),
  'monitoring.alerts.resolve': mutation(
    'Resolve an alert; it fires again only after its condition clears and returns',
    z.object({ id: z.string().min(1).max(64) }).strict(),
    alertSchema,
    // Alerts live in Sluice: acting on one changes nothing on the servers.
    { environment: (i) => ({ kind: 'alert', alertId: i.id }) },
  ),
} as const;
