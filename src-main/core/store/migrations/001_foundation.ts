import type { Migration } from './types';

export const foundation: Migration = {
  version: 1,
  name: 'foundation: settings and environments',
  sql: `
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    -- Passwords are never stored here: URLs are kept without them and the
    -- secrets live in the host secret store under env:<id>:<service>.
    CREATE TABLE environments (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      colour TEXT NOT NULL,
      read_only INTEGER NOT NULL DEFAULT 0,
      production INTEGER NOT NULL DEFAULT 0,
      redis_url TEXT,
      kafka_json TEXT,
      postgres_url TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
  `,
};
