import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH } from '@shared/contract';
import { canonicalJson } from '../../../src-main/core/audit/canonicalJson';
import { CANONICAL_RECORD_SQL } from '../../../src-main/core/audit/chainSql';
import { canonicalRecordJson, chainHash, type AuditRow } from '../../../src-main/core/audit/record';
import { verifyChain } from '../../../src-main/core/audit/verify';
import { openAuditFixture, sampleEntry, sqlite3, type AuditFixture } from './support';

let fx: AuditFixture;

beforeEach(() => {
  fx = openAuditFixture();
});

afterEach(() => {
  fx.cleanup();
});

describe('audit hash chain', () => {
  it('appends records linked by SHA-256 over prev_hash and the canonical record JSON', () => {
    const first = fx.log.append(sampleEntry(1));
    const [second, third] = fx.log.appendMany([sampleEntry(2), sampleEntry(3)]);
    expect(first.seq).toBe(1);
    expect(first.prev_hash).toBe(AUDIT_GENESIS_HASH);
    expect(second!.prev_hash).toBe(first.hash);
    expect(third!.prev_hash).toBe(second!.hash);
    const stored = fx.db.prepare('SELECT * FROM audit_log WHERE seq = 3').get() as AuditRow;
    const { prev_hash: _p, hash: _h, ...fields } = stored;
    // Canonical JSON: the stored fields with sorted keys and no whitespace.
    const parsedJson = {
      ...fields,
      targets: JSON.parse(fields.targets) as unknown,
      parameters: JSON.parse(fields.parameters) as unknown,
      before_json: fields.before_json === null ? null : (JSON.parse(fields.before_json) as unknown),
      after_json: fields.after_json === null ? null : (JSON.parse(fields.after_json) as unknown),
    };
    expect(canonicalRecordJson(fields)).toBe(canonicalJson(parsedJson));
    expect(stored.hash).toBe(chainHash(stored.prev_hash, canonicalJson(parsedJson)));
    expect(fx.log.head()).toEqual({ seq: 3, hash: third!.hash, time: third!.time });
  });

  it('verifies an untouched log, empty or not', async () => {
    expect(await fx.log.verify()).toMatchObject({ ok: true, count: 0, head: { seq: 0 } });
    fx.log.appendMany(Array.from({ length: 500 }, (_, i) => sampleEntry(i)));
    const result = await fx.log.verify();
    expect(result).toMatchObject({ ok: true, count: 500, head: fx.log.head() });
  });

  it('builds the same canonical JSON inside SQLite as in JavaScript, for awkward text', () => {
    const awkward = [
      'quote " backslash \\ slash /',
      'controls \u0000\u0001\u0008\t\n\u000b\f\r\u001f\u007f',
      'line separators \u2028\u2029',
      'emoji 😀 and combining é\u0301',
      'lone surrogates \ud800 x \udc00',
      '',
      '=cmd|"/c calc"!A1',
    ];
    const entries = awkward.map((text, i) => ({
      ...sampleEntry(i),
      action: `act ${text}`,
      operator: { osUser: text, displayName: text, hostName: text },
      environment: { id: text, name: text },
      reason: text,
      jobId: text,
      errorCode: text,
      targets: [{ type: text, id: text, name: text }],
      parameters: { [text]: text, nested: [text, { k: text }] },
      before: text,
      after: { text },
    }));
    fx.log.appendMany(entries);
    const rows = fx.db
      .prepare(`SELECT *, ${CANONICAL_RECORD_SQL} AS canonical FROM audit_log ORDER BY seq`)
      .all() as (AuditRow & { canonical: string })[];
    expect(rows).toHaveLength(awkward.length);
    for (const row of rows) {
      const { canonical, prev_hash: _p, hash, ...fields } = row;
      expect(canonical).toBe(canonicalRecordJson(fields));
      expect(chainHash(row.prev_hash, canonical)).toBe(hash);
    }
  });

  it('refuses UPDATE and DELETE with triggers, from the app and from the sqlite3 tool', () => {
    fx.log.appendMany([sampleEntry(1), sampleEntry(2)]);
    expect(() => fx.db.prepare("UPDATE audit_log SET action = 'x' WHERE seq = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => fx.db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    fx.close();
    expect(() => sqlite3(fx.file, "UPDATE audit_log SET result = 'ok' WHERE seq = 1")).toThrow(
      /append-only/,
    );
    expect(() => sqlite3(fx.file, 'DELETE FROM audit_log')).toThrow(/append-only/);
    expect(sqlite3(fx.file, 'SELECT count(*) FROM audit_log').trim()).toBe('2');
  });
});

describe('tampering with the sqlite3 tool', () => {
  async function tamper(sql: string) {
    fx.log.appendMany(Array.from({ length: 40 }, (_, i) => sampleEntry(i + 1)));
    expect((await fx.log.verify()).ok).toBe(true);
    fx.close();
    sqlite3(fx.file, `DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ${sql}`);
    fx = fx.reopen();
    return fx.log.verify();
  }

  it('changing one field of record 7 is reported at 7', async () => {
    expect(
      await tamper("UPDATE audit_log SET action = 'settings.get' WHERE seq = 7"),
    ).toMatchObject({ ok: false, brokenAt: 7, reason: 'altered', count: 6 });
  });

  it('changing a masked JSON value of record 12 is reported at 12', async () => {
    const result = await tamper(
      `UPDATE audit_log SET parameters = replace(parameters, 'plain', 'plane') WHERE seq = 12`,
    );
    expect(result).toMatchObject({ ok: false, brokenAt: 12, reason: 'altered' });
  });

  it('appending a NUL and more text to a JSON value of record 15 is reported at 15', async () => {
    const result = await tamper(
      `UPDATE audit_log SET parameters = parameters || char(0) || ',"rate":0' WHERE seq = 15`,
    );
    expect(result).toMatchObject({ ok: false, brokenAt: 15, reason: 'altered', count: 14 });
  });

  it('deleting record 20 is reported at 20', async () => {
    expect(await tamper('DELETE FROM audit_log WHERE seq = 20')).toMatchObject({
      ok: false,
      brokenAt: 20,
      reason: 'missing',
      count: 19,
    });
  });

  it('rewriting failed record 10 as ok with a recomputed hash is reported at 11, whose link no longer holds', async () => {
    fx.log.appendMany(Array.from({ length: 40 }, (_, i) => sampleEntry(i + 1)));
    const row = fx.db.prepare('SELECT * FROM audit_log WHERE seq = 10').get() as AuditRow;
    expect(row.result).toBe('failed');
    const { prev_hash: prev, hash: _h, ...fields } = row;
    const forged = { ...fields, result: 'ok' as const, error_code: null, reason: null };
    const forgedHash = chainHash(prev, canonicalRecordJson(forged));
    fx.close();
    sqlite3(
      fx.file,
      `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET result = 'ok', error_code = NULL,
       reason = NULL, hash = '${forgedHash}' WHERE seq = 10`,
    );
    fx = fx.reopen();
    expect(await fx.log.verify()).toMatchObject({ ok: false, brokenAt: 11, reason: 'unlinked' });
  });

  it('editing bytes of the file directly is reported at that record', async () => {
    fx.log.appendMany(Array.from({ length: 40 }, (_, i) => sampleEntry(i + 1)));
    fx.db.pragma('wal_checkpoint(TRUNCATE)');
    fx.close();
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bytes = readFileSync(fx.file);
    // "order 33" lives only in record 33's targets; flip one letter in place.
    const at = bytes.indexOf(Buffer.from('"order 33"'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 1] = 'O'.charCodeAt(0);
    writeFileSync(fx.file, bytes);
    fx = fx.reopen();
    expect(await fx.log.verify()).toMatchObject({ ok: false, brokenAt: 33, reason: 'altered' });
  });
});

describe('verification split across worker threads', () => {
  async function forgeAndVerify(seq: number) {
    fx.log.appendMany(Array.from({ length: 1000 }, (_, i) => sampleEntry(i + 1)));
    const head = fx.log.head();
    const row = fx.db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as AuditRow;
    const { prev_hash: prev, hash: _h, ...fields } = row;
    const forged = { ...fields, action: 'forged' };
    fx.close();
    sqlite3(
      fx.file,
      `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET action = 'forged',
       hash = '${chainHash(prev, canonicalRecordJson(forged))}' WHERE seq = ${seq}`,
    );
    fx = fx.reopen();
    return verifyChain(head, { file: fx.file, minRangeSize: 100, maxWorkers: 4 });
  }

  it('joins the ranges of four workers into one answer', async () => {
    fx.log.appendMany(Array.from({ length: 1000 }, (_, i) => sampleEntry(i + 1)));
    const head = fx.log.head();
    expect(
      await verifyChain(head, { file: fx.file, minRangeSize: 100, maxWorkers: 4 }),
    ).toMatchObject({ ok: true, count: 1000, head });
  });

  it('a forged last record of one range breaks the link into the next range', async () => {
    // Ranges are 1-250, 251-500, 501-750, 751-1000.
    expect(await forgeAndVerify(250)).toMatchObject({
      ok: false,
      brokenAt: 251,
      reason: 'unlinked',
      count: 250,
    });
  });

  it('a forged record inside the last range is found there', async () => {
    expect(await forgeAndVerify(900)).toMatchObject({ ok: false, brokenAt: 901, count: 900 });
  });

  it('a deleted first record of a range is reported missing', async () => {
    fx.log.appendMany(Array.from({ length: 1000 }, (_, i) => sampleEntry(i + 1)));
    const head = fx.log.head();
    fx.close();
    sqlite3(fx.file, 'DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 501');
    fx = fx.reopen();
    expect(
      await verifyChain(head, { file: fx.file, minRangeSize: 100, maxWorkers: 4 }),
    ).toMatchObject({ ok: false, brokenAt: 501, reason: 'missing', count: 500 });
  });
});
