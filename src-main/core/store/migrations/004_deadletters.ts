import type { Migration } from './types';

export const deadLetters: Migration = {
  version: 4,
  name: 'dead letters: sources, local index, edits, replay journal',
  sql: `
    CREATE TABLE dl_sources (
      id TEXT PRIMARY KEY,
      environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
      name TEXT NOT NULL COLLATE NOCASE,
      kind TEXT NOT NULL CHECK (kind IN ('redis', 'kafka', 'postgres')),
      settings_json TEXT NOT NULL,
      json_schema TEXT,
      bulk_confirm_threshold INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (environment_id, name)
    ) STRICT;

    -- A local copy of the entries of Redis-list and Kafka-topic sources, so
    -- filters, full-text search, grouping and random-access paging stay fast
    -- on a million entries. The servers remain the truth: every move and
    -- discard is checked against them (Redis: LREM of the exact bytes).
    -- pos orders a source's entries: Redis head to tail, Kafka by arrival.
    -- AUTOINCREMENT: an id is never reused, so a saved edit never attaches to a newer entry.
    -- The bytes live in dl_entry_bytes: lists, counts and resolution marks only
    -- ever touch these narrow rows.
    CREATE TABLE dl_entries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      source_id TEXT NOT NULL REFERENCES dl_sources(id) ON DELETE CASCADE,
      pos INTEGER NOT NULL,
      hash BLOB NOT NULL,
      partition INTEGER,
      "offset" INTEGER,
      record_ts INTEGER,
      external_id TEXT,
      error_class TEXT,
      reason TEXT,
      origin TEXT,
      first_failed_at INTEGER,
      last_failed_at INTEGER,
      attempts INTEGER,
      size INTEGER NOT NULL,
      resolved_kind TEXT CHECK (resolved_kind IN ('replayed', 'discarded')),
      resolved_at TEXT,
      resolved_reason TEXT
    ) STRICT;
    CREATE TABLE dl_entry_bytes (
      id INTEGER PRIMARY KEY REFERENCES dl_entries(id) ON DELETE CASCADE,
      raw BLOB NOT NULL,
      record_key BLOB,
      headers_json TEXT
    ) STRICT;
    CREATE INDEX dl_entries_order ON dl_entries (source_id, pos);
    -- Lists, counts and grouping concern unresolved entries: partial indexes
    -- hold only those, so a count or a deep page walks an index, not the table.
    CREATE INDEX dl_entries_live ON dl_entries (source_id, pos) WHERE resolved_kind IS NULL;
    CREATE INDEX dl_entries_class ON dl_entries (source_id, error_class, pos)
      WHERE resolved_kind IS NULL;
    CREATE INDEX dl_entries_external ON dl_entries (source_id, external_id);
    CREATE INDEX dl_entries_hash ON dl_entries (source_id, hash);
    CREATE UNIQUE INDEX dl_entries_record ON dl_entries (source_id, partition, "offset")
      WHERE partition IS NOT NULL;

    -- Payload words (and the reason) of dl_entries, rowid = dl_entries.id.
    CREATE VIRTUAL TABLE dl_entries_fts USING fts5(
      body, content='', contentless_delete=1, tokenize='unicode61'
    );

    CREATE TABLE dl_index_state (
      source_id TEXT PRIMARY KEY REFERENCES dl_sources(id) ON DELETE CASCADE,
      synced_at TEXT,
      -- Kafka: {"<partition>": <next offset>}.
      offsets_json TEXT
    ) STRICT;

    -- An operator's corrected payload; replay sends it instead of the original.
    CREATE TABLE dl_edits (
      source_id TEXT NOT NULL REFERENCES dl_sources(id) ON DELETE CASCADE,
      entry_key TEXT NOT NULL,
      payload BLOB NOT NULL,
      edited_at TEXT NOT NULL,
      operator TEXT NOT NULL,
      PRIMARY KEY (source_id, entry_key)
    ) STRICT;

    -- Replay jobs and their journal. A job's plan (every step with the exact
    -- bytes to remove and to deliver) is written before anything moves, and
    -- each step's outcome after it happened, so a job interrupted by a crash
    -- resumes where it stopped. Jobs outlive the source they came from.
    CREATE TABLE dl_jobs (
      id TEXT PRIMARY KEY,
      environment_id TEXT NOT NULL,
      source_id TEXT NOT NULL,
      source_name TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN
        ('RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLING', 'CANCELLED', 'FAILED')),
      -- 0 while the plan is being written; such a job never moved anything and
      -- is dropped at start-up if a crash interrupted its planning.
      planned INTEGER NOT NULL DEFAULT 0,
      paused_by TEXT CHECK (paused_by IN ('operator', 'outage')),
      cause TEXT,
      failure_reason TEXT,
      plan_json TEXT NOT NULL,
      rate_per_second INTEGER,
      total INTEGER NOT NULL,
      moved INTEGER NOT NULL DEFAULT 0,
      skipped INTEGER NOT NULL DEFAULT 0,
      failed INTEGER NOT NULL DEFAULT 0,
      operator TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      finished_at TEXT
    ) STRICT;
    CREATE INDEX dl_jobs_environment ON dl_jobs (environment_id, created_at);

    -- The plan: every step with the exact bytes. Written once, never updated.
    CREATE TABLE dl_job_steps (
      job_id TEXT NOT NULL REFERENCES dl_jobs(id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      entry_key TEXT NOT NULL,
      -- Redis: the exact element to remove from the dead list.
      raw BLOB,
      -- What is delivered (the edit when there was one).
      payload BLOB NOT NULL,
      record_key BLOB,
      headers_json TEXT,
      origin TEXT NOT NULL,
      target_index INTEGER NOT NULL,
      PRIMARY KEY (job_id, step)
    ) STRICT;

    -- Progress: steps run in plan order, a batch at a time. A batch is written
    -- as "sending" before it is handed to the servers and as "done" after its
    -- outcome is known; a "sending" batch found after a crash is moved again
    -- first (a repeated move is safe). Done batches cover steps 0..n without gaps.
    CREATE TABLE dl_job_batches (
      job_id TEXT NOT NULL REFERENCES dl_jobs(id) ON DELETE CASCADE,
      first_step INTEGER NOT NULL,
      last_step INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('sending', 'done')),
      PRIMARY KEY (job_id, first_step)
    ) STRICT;

    -- Steps of done batches that were not delivered (the rest were).
    CREATE TABLE dl_job_outcomes (
      job_id TEXT NOT NULL REFERENCES dl_jobs(id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('gone', 'failed')),
      detail TEXT,
      PRIMARY KEY (job_id, step)
    ) STRICT;
  `,
};
