import type pg from 'pg';

export interface DeadLetterRow {
  source: string;
  payload: string;
  errorClass: string;
  errorMessage: string;
  attempts?: number;
}

/** Adds rows to dead_letters, status 'pending', failure times now. */
export async function insertDeadLetters(
  client: pg.ClientBase | pg.Pool,
  rows: readonly DeadLetterRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO dead_letters (source, payload, error_class, error_message, attempts)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])`,
    [
      rows.map((row) => row.source),
      // PostgreSQL text cannot hold NUL; keep the rest of the payload readable.
      rows.map((row) => row.payload.replaceAll('\u0000', '\\u0000')),
      rows.map((row) => row.errorClass),
      rows.map((row) => row.errorMessage),
      rows.map((row) => row.attempts ?? 1),
    ],
  );
}
