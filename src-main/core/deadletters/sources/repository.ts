import { randomUUID } from 'node:crypto';
import {
  SluiceError,
  deadLetterSourceSettingsSchema,
  type DeadLetterSourceDraft,
  type DeadLetterSourceView,
} from '@shared/contract';
import type { Db } from '../../store/database';
import { capabilitiesOf } from './kinds';

interface SourceRow {
  id: string;
  environment_id: string;
  name: string;
  kind: string;
  settings_json: string;
  json_schema: string | null;
  bulk_confirm_threshold: number;
  created_at: string;
  updated_at: string;
}

function fromRow(row: SourceRow): DeadLetterSourceView {
  // Parsed again so settings written by an older version gain new defaults.
  const settings = deadLetterSourceSettingsSchema.parse(JSON.parse(row.settings_json));
  return {
    id: row.id,
    environmentId: row.environment_id,
    name: row.name,
    settings,
    capabilities: capabilitiesOf(settings),
    jsonSchema: row.json_schema,
    bulkConfirmThreshold: row.bulk_confirm_threshold,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Dead-letter source configuration, one row per source of an environment. */
export class SourceRepository {
  constructor(private readonly db: Db) {}

  list(environmentId: string): DeadLetterSourceView[] {
    const rows = this.db
      .prepare('SELECT * FROM dl_sources WHERE environment_id = ? ORDER BY name')
      .all(environmentId) as SourceRow[];
    return rows.map(fromRow);
  }

  get(id: string): DeadLetterSourceView | null {
    const row = this.db.prepare('SELECT * FROM dl_sources WHERE id = ?').get(id) as
      SourceRow | undefined;
    return row ? fromRow(row) : null;
  }

  require(id: string): DeadLetterSourceView {
    const source = this.get(id);
    if (!source) throw new SluiceError('NOT_FOUND', `no dead-letter source with id ${id}`);
    return source;
  }

  save(environmentId: string, draft: DeadLetterSourceDraft): DeadLetterSourceView {
    const existing = draft.id ? this.get(draft.id) : null;
    if (draft.id && (!existing || existing.environmentId !== environmentId)) {
      throw new SluiceError('NOT_FOUND', `no dead-letter source with id ${draft.id}`);
    }
    if (existing && existing.settings.kind !== draft.settings.kind) {
      throw new SluiceError('INVALID_INPUT', 'the kind of a source cannot change; add a new one', {
        issues: [{ path: ['source', 'settings', 'kind'], message: 'cannot change' }],
      });
    }
    const clash = this.db
      .prepare('SELECT id FROM dl_sources WHERE environment_id = ? AND name = ?')
      .get(environmentId, draft.name) as { id: string } | undefined;
    if (clash && clash.id !== existing?.id) {
      throw new SluiceError('CONFLICT', `a source named "${draft.name}" already exists`, {
        field: 'name',
      });
    }
    const now = new Date().toISOString();
    const id = existing?.id ?? randomUUID();
    this.db
      .prepare(
        `INSERT INTO dl_sources (id, environment_id, name, kind, settings_json, json_schema,
           bulk_confirm_threshold, created_at, updated_at)
         VALUES (@id, @environmentId, @name, @kind, @settings, @jsonSchema, @threshold, @now, @now)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, settings_json = excluded.settings_json,
           json_schema = excluded.json_schema,
           bulk_confirm_threshold = excluded.bulk_confirm_threshold, updated_at = excluded.updated_at`,
      )
      .run({
        id,
        environmentId,
        name: draft.name,
        kind: draft.settings.kind,
        settings: JSON.stringify(draft.settings),
        jsonSchema: draft.jsonSchema,
        threshold: draft.bulkConfirmThreshold,
        now,
      });
    return this.require(id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM dl_sources WHERE id = ?').run(id);
  }
}
