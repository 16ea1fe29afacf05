import type { Migration } from './types';

export const runbooks: Migration = {
  version: 5,
  name: 'runbooks with every version kept',
  sql: `
    CREATE TABLE runbooks (
      id TEXT PRIMARY KEY,
      current_version INTEGER NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    -- Versions are never updated: saving a runbook appends one.
    CREATE TABLE runbook_versions (
      runbook_id TEXT NOT NULL REFERENCES runbooks(id) ON DELETE CASCADE,
      version INTEGER NOT NULL,
      title TEXT NOT NULL,
      body TEXT NOT NULL,
      tags_json TEXT NOT NULL,
      match_json TEXT NOT NULL,
      author TEXT NOT NULL,
      created_at TEXT NOT NULL,
      PRIMARY KEY (runbook_id, version)
    ) STRICT;
  `,
};
