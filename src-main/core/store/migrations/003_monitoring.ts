import type { Migration } from './types';

export const monitoring: Migration = {
  version: 3,
  name: 'monitoring: configuration, sample history with minute roll-ups, alerts',
  sql: `
    CREATE TABLE monitoring_configs (
      environment_id TEXT PRIMARY KEY REFERENCES environments(id) ON DELETE CASCADE,
      config_json TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    -- One row per thing that is charted (metric + key, e.g. queue.depth of
    -- write_queue). AUTOINCREMENT so an id is never reused: samples of a
    -- removed series are left to age out rather than deleted in one go.
    CREATE TABLE monitoring_series (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
      metric TEXT NOT NULL,
      key TEXT NOT NULL,
      UNIQUE (environment_id, metric, key)
    ) STRICT;

    -- Raw samples, kept for hours. No foreign key: removing an environment
    -- must not turn into one long cascading delete; retention prunes them.
    CREATE TABLE monitoring_samples (
      series_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
      value REAL NOT NULL
    ) STRICT;
    CREATE INDEX monitoring_samples_series_at ON monitoring_samples (series_id, at);
    CREATE INDEX monitoring_samples_at ON monitoring_samples (at);

    -- One row per series and minute, kept for days.
    CREATE TABLE monitoring_rollups (
      series_id INTEGER NOT NULL,
      minute INTEGER NOT NULL,
      count INTEGER NOT NULL,
      sum REAL NOT NULL,
      min REAL NOT NULL,
      max REAL NOT NULL,
      PRIMARY KEY (series_id, minute)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX monitoring_rollups_minute ON monitoring_rollups (minute);

    CREATE TABLE monitoring_alerts (
      id TEXT PRIMARY KEY,
      environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
      rule_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      target TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
      title TEXT NOT NULL,
      detail TEXT NOT NULL,
      value REAL,
      opened_at TEXT NOT NULL,
      acknowledged_at TEXT,
      acknowledged_by TEXT,
      resolved_at TEXT,
      resolved_by TEXT,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX monitoring_alerts_env_state ON monitoring_alerts (environment_id, state, opened_at);
  `,
};
