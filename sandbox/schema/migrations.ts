/**
 * The pipeline's PostgreSQL schema, as ordered migrations. Each runs once, in
 * its own transaction, recorded in sandbox_schema_migrations.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents, outbox, search index, dead letters',
    sql: `
CREATE TABLE documents (
  id            text PRIMARY KEY,
  body          jsonb NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  -- When the version in the search index was written; NULL until the first sync.
  es_synced_at  timestamptz,
  -- True while the current version is the one in the search index.
  indexed       boolean NOT NULL DEFAULT false,
  -- The write that produced this version: a write replayed after a worker crash is skipped.
  last_write_id text,
  -- Set when the sync consumer dead-lettered this version; the backup poller leaves it alone
  -- until the document changes again.
  sync_dead_at  timestamptz
);

-- The sync gap is "WHERE updated_at > es_synced_at OR es_synced_at IS NULL". A plain index on
-- updated_at cannot serve it: the condition compares two columns of the same row. A partial
-- index with exactly that predicate holds only the rows in the gap, so it stays as small as the
-- gap itself; the planner uses it for any query whose WHERE implies the predicate (the count,
-- and the backup poller's "oldest first, older than a threshold" scan, ordered by updated_at).
CREATE INDEX documents_sync_gap_idx ON documents (updated_at)
  WHERE es_synced_at IS NULL OR updated_at > es_synced_at;

-- Rows written in the same transaction as their document; drained to Kafka after commit.
CREATE TABLE outbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id text NOT NULL,
  version     integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- The local search index (the PostgreSQL implementation of Indexer). Typed columns play the
-- part of a search engine's field mapping: a value that does not fit its column's type is
-- rejected the way a mapping conflict is.
CREATE TABLE search_index (
  id         text PRIMARY KEY,
  version    integer NOT NULL,
  title      text,
  price      numeric(14, 2),
  tags       text[] NOT NULL DEFAULT '{}',
  body       jsonb NOT NULL,
  search     tsvector NOT NULL,
  indexed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_index_search_idx ON search_index USING gin (search);

-- Batch-import failures.
CREATE TABLE dead_letters (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source          text NOT NULL,
  payload         text NOT NULL,
  error_class     text NOT NULL,
  error_message   text NOT NULL,
  attempts        integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  first_failed_at timestamptz NOT NULL DEFAULT now(),
  last_failed_at  timestamptz NOT NULL DEFAULT now(),
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'replayed', 'discarded'))
);
CREATE INDEX dead_letters_pending_idx ON dead_letters (first_failed_at) WHERE status = 'pending';
`,
  },
];
