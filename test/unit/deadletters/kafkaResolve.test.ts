import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryIndex } from '../../../src-main/core/deadletters/index/entryIndex';
import { offsetRuns } from '../../../src-main/core/deadletters/index/offsetRuns';
import type { JobPlan } from '../../../src-main/core/deadletters/replay/jobRecord';
import { ReplayJournal } from '../../../src-main/core/deadletters/replay/journal';
import { openStore, type Db } from '../../../src-main/core/store/database';
import { migrations } from '../../../src-main/core/store/migrations';
import { makeTempDir } from '../../support/tempDir';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function store(): Db {
  const temp = makeTempDir();
  const db = openStore({ file: join(temp.dir, 'sluice.db'), migrations });
  cleanups.push(() => {
    db.close();
    temp.cleanup();
  });
  // Entries and jobs only: the sources and environments they would belong to do not matter here.
  db.pragma('foreign_keys = OFF');
  return db;
}

function indexRecords(index: EntryIndex, sourceId: string, records: [number, number][]): void {
  index.insert(
    sourceId,
    records.map(([partition, offset], i) => ({
      pos: i + 1,
      hash: Buffer.from([i]),
      raw: Buffer.from(`value ${partition}:${offset}`),
      recordKey: null,
      headersJson: null,
      partition,
      offset,
      recordTs: null,
      externalId: null,
      errorClass: 'E',
      reason: null,
      origin: null,
      firstFailedAt: null,
      lastFailedAt: null,
      attempts: null,
      size: 1,
      searchText: '',
    })),
  );
}

function resolved(db: Db, sourceId: string): Map<string, string | null> {
  const rows = db
    .prepare(
      `SELECT partition, "offset", resolved_reason FROM dl_entries WHERE source_id = ?
        ORDER BY partition, "offset"`,
    )
    .all(sourceId) as { partition: number; offset: number; resolved_reason: string | null }[];
  return new Map(rows.map((r) => [`${r.partition}:${r.offset}`, r.resolved_reason]));
}

describe('offset runs', () => {
  it('splits records into consecutive runs per partition and leaves the short ones scattered', () => {
    const records = [
      [0, 5],
      [0, 1],
      [0, 2],
      [1, 7],
      [0, 3],
      [0, 4],
      [0, 9],
      [0, 3],
      [1, 8],
      [2, 0],
      [2, 1],
      [2, 2],
      [2, 3],
    ].map(([partition, offset]) => ({ partition: partition!, offset: offset! }));
    const { runs, scattered } = offsetRuns(records, 3);
    expect(runs).toEqual([
      { partition: 0, first: 1, last: 5 },
      { partition: 2, first: 0, last: 3 },
    ]);
    expect([...scattered]).toEqual([
      [0, [9]],
      [1, [7, 8]],
    ]);
  });
});

describe('marking Kafka records resolved', () => {
  it('marks exactly the records named: runs, scattered offsets and duplicates, nothing else', () => {
    const db = store();
    const index = new EntryIndex(db);
    const all: [number, number][] = [];
    for (let partition = 0; partition < 3; partition += 1)
      for (let offset = 0; offset < 60; offset += 1) all.push([partition, offset]);
    indexRecords(index, 'a', all);
    indexRecords(index, 'b', all);
    index.markRecordsResolved(
      'a',
      [{ partition: 1, offset: 30 }],
      'discarded',
      'earlier',
      '2026-01-01T00:00:00.000Z',
    );
    const named = [
      ...Array.from({ length: 40 }, (_, i) => ({ partition: 1, offset: 10 + i })),
      { partition: 1, offset: 12 },
      { partition: 0, offset: 3 },
      { partition: 0, offset: 7 },
      { partition: 0, offset: 8 },
      { partition: 2, offset: 59 },
      { partition: 2, offset: 999 },
      { partition: 5, offset: 0 },
    ];
    index.markRecordsResolved('a', named, 'replayed', 'replay job j', '2026-01-02T00:00:00.000Z');

    const expected = new Set(named.map((r) => `${r.partition}:${r.offset}`));
    for (const [key, reason] of resolved(db, 'a')) {
      if (key === '1:30') expect(reason, key).toBe('earlier');
      else expect(reason, key).toBe(expected.has(key) ? 'replay job j' : null);
    }
    expect([...resolved(db, 'b').values()].every((reason) => reason === null)).toBe(true);
    expect(index.size('a', false)).toBe(180 - 40 - 4);
  });
});

describe('journal pending steps', () => {
  it('hands over the planned bytes exactly, sharing one buffer only where raw and payload are equal', () => {
    const db = store();
    const journal = new ReplayJournal(db);
    const plan: JobPlan = {
      targets: [{ kind: 'kafka-topic', topic: 't' }],
      delivery: '',
      notes: [],
    };
    journal.beginPlan(
      {
        id: 'job',
        environmentId: 'e',
        sourceId: 's',
        sourceName: 's',
        ratePerSecond: null,
        operator: 'o',
      },
      plan,
    );
    const header = { name: '__proto__', value: Buffer.from([0, 255, 10]) };
    journal.addSteps('job', 0, [
      {
        key: '0:1',
        stored: Buffer.from('same'),
        payload: Buffer.from('same'),
        recordKey: Buffer.from([1, 2]),
        headers: [header, header],
        origin: 'o1',
        targetIndex: 0,
      },
      {
        key: '0:2',
        stored: Buffer.from('envelope'),
        payload: Buffer.from('payload'),
        recordKey: null,
        headers: [],
        origin: 'o2',
        targetIndex: 0,
      },
      {
        key: '0:3',
        stored: null,
        payload: Buffer.alloc(0),
        recordKey: null,
        headers: [],
        origin: 'o3',
        targetIndex: 0,
      },
    ]);
    journal.finishPlan('job', 3, plan);
    const items = journal.pending('job', 10, plan);
    expect(items.map((i) => [i.step, i.key, i.origin, i.replayId, i.resent])).toEqual([
      [0, '0:1', 'o1', 'job:0', false],
      [1, '0:2', 'o2', 'job:1', false],
      [2, '0:3', 'o3', 'job:2', false],
    ]);
    expect(items[0]!.stored).toEqual(Buffer.from('same'));
    expect(items[0]!.payload).toEqual(Buffer.from('same'));
    expect(items[0]!.recordKey).toEqual(Buffer.from([1, 2]));
    expect(items[0]!.headers).toEqual([header, header]);
    expect(items[1]!.stored).toEqual(Buffer.from('envelope'));
    expect(items[1]!.payload).toEqual(Buffer.from('payload'));
    expect(items[2]!.stored).toBeNull();
    expect(items[2]!.payload).toEqual(Buffer.alloc(0));
    expect(items.every((i) => i.target === plan.targets[0])).toBe(true);
  });
});
