import type pg from 'pg';
import { errorMessage } from '../common/errors';
import { applyIsolating } from './documents';
import { DocumentRejectedError } from './indexer';
import type { IndexDocument, IndexedDocument, Indexer } from './indexer';

// The typed columns are the mapping: price must be numeric, tags an array of strings.
// A version guard keeps an older event from overwriting a newer indexed copy.
const INDEX_SQL = `
INSERT INTO search_index AS s (id, version, title, price, tags, body, search, indexed_at)
SELECT v.id,
       v.version,
       v.body->>'title',
       (v.body->>'price')::numeric(14, 2),
       CASE WHEN v.body ? 'tags'
            THEN ARRAY(SELECT jsonb_array_elements_text(v.body->'tags'))
            ELSE '{}'::text[] END,
       v.body,
       to_tsvector('simple', coalesce(v.body->>'title', '') || ' ' || coalesce(v.body->>'text', '')),
       now()
FROM unnest($1::text[], $2::int[], $3::jsonb[]) AS v(id, version, body)
ON CONFLICT (id) DO UPDATE
  SET version = EXCLUDED.version,
      title = EXCLUDED.title,
      price = EXCLUDED.price,
      tags = EXCLUDED.tags,
      body = EXCLUDED.body,
      search = EXCLUDED.search,
      indexed_at = EXCLUDED.indexed_at
  WHERE s.version <= EXCLUDED.version`;

export class PostgresIndexer implements Indexer {
  readonly kind = 'postgres';

  constructor(private readonly pool: pg.Pool) {}

  async index(documents: readonly IndexDocument[]): Promise<Map<string, DocumentRejectedError>> {
    const rejected = new Map<string, DocumentRejectedError>();
    // Bulk first; a rejected document fails the whole statement, so the batch is
    // split until each rejected document stands alone (like per-item bulk results).
    const outcome = await applyIsolating(documents, (batch) => this.write(batch));
    for (const { item, error } of outcome.rejected) {
      rejected.set(
        item.id,
        new DocumentRejectedError(item.id, errorMessage(error), { cause: error }),
      );
    }
    return rejected;
  }

  private async write(documents: readonly IndexDocument[]): Promise<void> {
    await this.pool.query(INDEX_SQL, [
      documents.map((doc) => doc.id),
      documents.map((doc) => doc.version),
      documents.map((doc) => JSON.stringify(doc.body)),
    ]);
  }

  async get(id: string): Promise<IndexedDocument | null> {
    const result = await this.pool.query<{
      id: string;
      version: number;
      body: Record<string, unknown>;
      indexed_at: Date;
    }>('SELECT id, version, body, indexed_at FROM search_index WHERE id = $1', [id]);
    const row = result.rows[0];
    return row
      ? { id: row.id, version: row.version, body: row.body, indexedAt: row.indexed_at }
      : null;
  }

  async count(): Promise<number> {
    const result = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM search_index');
    return Number(result.rows[0]?.n ?? 0);
  }
}
