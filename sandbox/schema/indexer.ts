/**
 * The search index the sync consumer writes into. PostgresIndexer is the local
 * implementation; an Elasticsearch one would map index() to the bulk API with
 * external versioning and report per-item failures the same way.
 */
export interface IndexDocument {
  id: string;
  version: number;
  body: Record<string, unknown>;
}

export interface IndexedDocument {
  id: string;
  version: number;
  body: Record<string, unknown>;
  indexedAt: Date;
}

/** The index refused one document (a mapping conflict): retrying the same document fails again. */
export class DocumentRejectedError extends Error {
  readonly documentId: string;
  readonly reason: string;

  constructor(documentId: string, reason: string, options?: { cause?: unknown }) {
    super(`document ${documentId} rejected by the index: ${reason}`, options);
    this.name = 'DocumentRejectedError';
    this.documentId = documentId;
    this.reason = reason;
  }
}

export interface Indexer {
  readonly kind: string;
  /**
   * Writes the documents; an indexed copy with a higher version is kept.
   * Resolves with the documents the index rejected, by id. Rejects only when
   * the index as a whole failed (unreachable, timed out): nothing can be
   * assumed written then, and the caller retries later.
   */
  index(documents: readonly IndexDocument[]): Promise<Map<string, DocumentRejectedError>>;
  get(id: string): Promise<IndexedDocument | null>;
  count(): Promise<number>;
}
