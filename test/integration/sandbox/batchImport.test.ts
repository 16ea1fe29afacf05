import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../sandbox/importer/importer';
import { startSandbox } from '../../../sandbox/pipeline';
import type { Sandbox } from '../../../sandbox/pipeline';
import { SYNC_GAP_CONDITION } from '../../../sandbox/schema/syncGap';
import { postWrite, waitFor } from './helpers';

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-import-'));
  sandbox = await startSandbox({ syncMaxWaitMs: 100 });
  await sandbox.consumer.ready();
});

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function indexedIds(ids: string[]): Promise<string[]> {
  const rows = await sandbox.pool.query<{ id: string }>(
    `SELECT d.id FROM documents d JOIN search_index s ON s.id = d.id AND s.version = d.version
      WHERE d.id = ANY($1::text[]) AND d.indexed AND d.es_synced_at >= d.updated_at ORDER BY d.id`,
    [ids],
  );
  return rows.rows.map((row) => row.id);
}

describe('batch import next to streaming writes', () => {
  it('p-1 and p-3 imported and indexed, p-2 in dead_letters with its reason, p-stream-1 through the writer', async () => {
    const file = join(dir, 'products.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify({ key: 'p-1', value: { title: 'Kettle', price: 24.5, tags: ['kitchen'] } }),
        JSON.stringify({ key: 'p-2', value: 'Toaster, 39.90' }),
        JSON.stringify({ key: 'p-3', value: { title: 'Teapot', price: 18 } }),
        '',
      ].join('\n'),
    );
    const [report, streamed] = await Promise.all([
      importFile({ pool: sandbox.pool, file, chunkSize: 2 }),
      postWrite(sandbox.writer.url, 'p-stream-1', { title: 'Mug', price: 6 }),
    ]);
    expect(streamed.status).toBe(202);
    expect(report).toEqual({ lines: 3, imported: 2, unchanged: 0, deadLettered: 1, chunks: 2 });

    const all = ['p-1', 'p-2', 'p-3', 'p-stream-1'];
    await waitFor(
      'p-1, p-3 and p-stream-1 to be indexed',
      () => indexedIds(all),
      (ids) => ids.length === 3,
    );
    expect(await indexedIds(all)).toEqual(['p-1', 'p-3', 'p-stream-1']);
    expect((await sandbox.indexer.get('p-1'))?.body).toEqual({
      title: 'Kettle',
      price: 24.5,
      tags: ['kitchen'],
    });

    const p2 = await sandbox.pool.query('SELECT 1 FROM documents WHERE id = $1', ['p-2']);
    expect(p2.rowCount).toBe(0);
    const dead = await sandbox.pool.query(
      'SELECT source, payload, error_class, error_message, attempts, status FROM dead_letters',
    );
    expect(dead.rows).toEqual([
      {
        source: 'import:products.jsonl',
        payload: JSON.stringify({ key: 'p-2', value: 'Toaster, 39.90' }),
        error_class: 'SchemaViolation',
        error_message: 'line 2: value: value must be a JSON object',
        attempts: 1,
        status: 'pending',
      },
    ]);
  });

  it('importing the same file again changes nothing that was applied', async () => {
    const file = join(dir, 'again.jsonl');
    await writeFile(file, `${JSON.stringify({ key: 'again-1', value: { title: 'Once' } })}\n`);
    const first = await importFile({ pool: sandbox.pool, file });
    const second = await importFile({ pool: sandbox.pool, file });
    expect(first).toMatchObject({ imported: 1, unchanged: 0 });
    expect(second).toMatchObject({ imported: 0, unchanged: 1 });
    const row = await sandbox.pool.query<{ version: number }>(
      "SELECT version FROM documents WHERE id = 'again-1'",
    );
    expect(row.rows[0]?.version).toBe(1);
  });

  it('dead-letters lines that are not JSON, not UTF-8 or refused by PostgreSQL, with line numbers', async () => {
    const file = join(dir, 'broken.jsonl');
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from('{"key": "b-1", "value": {"title": "fine"}}\n{"key": "b-2", "value": \n'),
        Buffer.from('{"key": "b-3", "value": {"title": "caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}}\n{"key": "b-4", "value": {"title": "nul \\u0000 inside"}}\n'),
      ]),
    );
    const report = await importFile({ pool: sandbox.pool, file });
    expect(report).toMatchObject({ lines: 4, imported: 1, deadLettered: 3 });
    const dead = await sandbox.pool.query<{ error_class: string; error_message: string }>(
      "SELECT error_class, error_message FROM dead_letters WHERE source = 'import:broken.jsonl' ORDER BY id",
    );
    expect(dead.rows.map((row) => row.error_class).sort()).toEqual([
      'InvalidEncoding',
      'InvalidJson',
      'PostgresError:22P05',
    ]);
    const messages = dead.rows.map((row) => row.error_message).join('\n');
    expect(messages).toMatch(/line 2: not valid JSON: .* at line 1 column 25/);
    expect(messages).toMatch(/line 3: not valid UTF-8 \(byte offset 38\)/);
    expect(messages).toMatch(/unsupported Unicode escape sequence/);
  });
});

describe('the sync gap index', () => {
  it('serves the gap count and the backup poller scan', async () => {
    const client = await sandbox.pool.connect();
    try {
      // Whether the index is usable at all, whatever the table's size says about cost.
      await client.query('SET enable_seqscan = off');
      for (const query of [
        `SELECT count(*) FROM documents WHERE ${SYNC_GAP_CONDITION}`,
        `SELECT id FROM documents WHERE (updated_at > es_synced_at OR es_synced_at IS NULL)
           AND updated_at < now() - interval '30 seconds' ORDER BY updated_at LIMIT 1000`,
      ]) {
        const plan = await client.query<{ 'QUERY PLAN': unknown }>(
          `EXPLAIN (FORMAT JSON) ${query}`,
        );
        expect(JSON.stringify(plan.rows[0]!['QUERY PLAN'])).toContain('documents_sync_gap_idx');
      }
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });
});
