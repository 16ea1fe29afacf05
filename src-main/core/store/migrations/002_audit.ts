import type { Migration } from './types';

export const audit: Migration = {
  version: 2,
  name: 'audit log: append-only, hash-chained',
  sql: `
    -- One row per audited call. hash = SHA-256(prev_hash || canonical JSON of the
    -- record), see src-main/core/audit/record.ts. JSON columns hold canonical JSON
    -- with secrets masked.
    CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY,
      time TEXT NOT NULL,
      os_user TEXT NOT NULL,
      display_name TEXT NOT NULL,
      host_name TEXT NOT NULL,
      environment_id TEXT,
      environment_name TEXT,
      action TEXT NOT NULL,
      targets TEXT NOT NULL,
      parameters TEXT NOT NULL,
      before_json TEXT,
      after_json TEXT,
      result TEXT NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
      error_code TEXT,
      reason TEXT,
      job_id TEXT,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    ) STRICT;

    -- Each filter of the audit view has an index; with the rowid as the implicit
    -- last column, "filter = ? AND seq < ? ORDER BY seq DESC" walks one index.
    CREATE INDEX audit_log_time ON audit_log (time);
    CREATE INDEX audit_log_action ON audit_log (action);
    CREATE INDEX audit_log_operator ON audit_log (os_user, display_name);
    CREATE INDEX audit_log_environment ON audit_log (environment_id, environment_name)
      WHERE environment_id IS NOT NULL;
    CREATE INDEX audit_log_result ON audit_log (result);
    CREATE INDEX audit_log_job ON audit_log (job_id) WHERE job_id IS NOT NULL;

    -- Append-only: the application never changes or removes a record. Someone who
    -- drops these triggers can still edit the file; the hash chain shows it.
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN
      SELECT RAISE(ABORT, 'audit_log is append-only: records cannot be changed');
    END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN
      SELECT RAISE(ABORT, 'audit_log is append-only: records cannot be deleted');
    END;
  `,
};
