import { randomUUID } from 'node:crypto';
import type { Runbook, RunbookMatch } from '@shared/contract';
import type { Db } from '../store/database';

interface VersionRow {
  runbook_id: string;
  version: number;
  title: string;
  body: string;
  tags_json: string;
  match_json: string;
  author: string;
  created_at: string;
}

function fromRow(row: VersionRow): Runbook {
  return {
    id: row.runbook_id,
    version: row.version,
    title: row.title,
    body: row.body,
    tags: JSON.parse(row.tags_json) as string[],
    match: JSON.parse(row.match_json) as RunbookMatch,
    updatedAt: row.created_at,
    updatedBy: row.author,
  };
}

export interface RunbookContent {
  title: string;
  body: string;
  tags: string[];
  match: RunbookMatch;
}

/** Runbooks and their append-only version history. */
export class RunbookRepository {
  constructor(private readonly db: Db) {}

  listCurrent(): Runbook[] {
    const rows = this.db
      .prepare(
        `SELECT v.* FROM runbooks r
         JOIN runbook_versions v ON v.runbook_id = r.id AND v.version = r.current_version
         ORDER BY v.title COLLATE NOCASE`,
      )
      .all() as VersionRow[];
    return rows.map(fromRow);
  }

  get(id: string, version?: number): Runbook | null {
    const row = (
      version === undefined
        ? this.db
            .prepare(
              `SELECT v.* FROM runbooks r JOIN runbook_versions v
               ON v.runbook_id = r.id AND v.version = r.current_version WHERE r.id = ?`,
            )
            .get(id)
        : this.db
            .prepare('SELECT * FROM runbook_versions WHERE runbook_id = ? AND version = ?')
            .get(id, version)
    ) as VersionRow | undefined;
    return row ? fromRow(row) : null;
  }

  versions(id: string): { version: number; title: string; author: string; createdAt: string }[] {
    return (
      this.db
        .prepare(
          'SELECT version, title, author, created_at FROM runbook_versions WHERE runbook_id = ? ORDER BY version DESC',
        )
        .all(id) as { version: number; title: string; author: string; created_at: string }[]
    ).map((row) => ({
      version: row.version,
      title: row.title,
      author: row.author,
      createdAt: row.created_at,
    }));
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM runbooks').get() as { n: number }).n;
  }

  /** Appends a version (creating the runbook when id is null) and makes it current. */
  saveVersion(id: string | null, content: RunbookContent, author: string): Runbook {
    const now = new Date().toISOString();
    return this.db.transaction((): Runbook => {
      let runbookId = id;
      let version = 1;
      if (runbookId === null) {
        runbookId = randomUUID();
        this.db
          .prepare('INSERT INTO runbooks (id, current_version, created_at) VALUES (?, 1, ?)')
          .run(runbookId, now);
      } else {
        const current = this.db
          .prepare('SELECT current_version FROM runbooks WHERE id = ?')
          .get(runbookId) as { current_version: number } | undefined;
        if (!current) throw new Error(`runbook ${runbookId} vanished`);
        version = current.current_version + 1;
        this.db
          .prepare('UPDATE runbooks SET current_version = ? WHERE id = ?')
          .run(version, runbookId);
      }
      this.db
        .prepare(
          `INSERT INTO runbook_versions (runbook_id, version, title, body, tags_json, match_json, author, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          runbookId,
          version,
          content.title,
          content.body,
          JSON.stringify(content.tags),
          JSON.stringify(content.match),
          author,
          now,
        );
      return this.get(runbookId)!;
    })();
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM runbooks WHERE id = ?').run(id).changes > 0;
  }
}
