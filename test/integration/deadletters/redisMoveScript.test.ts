import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../sandbox/servers';
import { moveScriptArgs, scripts } from '../../../src-main/core/deadletters/sources/redisScripts';

/**
 * The move script takes runs of entries from the dead list's end with LRANGE +
 * LTRIM and falls back to LREM for the others. These tests hold it to the
 * meaning of the plain version, one entry at a time: LREM <direction> the exact
 * element, push it if that removed one, set its marker bit.
 */

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { lazyConnect: true });
  await redis.connect();
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

beforeEach(async () => {
  await redis.flushdb();
});

interface Entry {
  element: string;
  payload: string;
  target: 'q1' | 'q2' | 'dead';
  side: 'L' | 'R';
}

const TTL = 3600;

/** Calls the script the way RedisListSource.move does. */
async function moveWithScript(
  prefix: string,
  direction: 1 | -1,
  retry: boolean,
  firstStep: number,
  entries: Entry[],
): Promise<number[]> {
  const targets = [...new Set(entries.map((e) => `${prefix}${e.target}`))];
  const keys = [`${prefix}dead`, `${prefix}marker`, ...targets];
  const moves = entries.map((e) => ({
    element: Buffer.from(e.element),
    payload: Buffer.from(e.payload),
    targetIndex: targets.indexOf(`${prefix}${e.target}`) + 3,
    side: e.side === 'R' ? ('tail' as const) : ('head' as const),
  }));
  const args = [direction, TTL, retry ? '1' : '0', firstStep, ...moveScriptArgs(moves)];
  return scripts(redis).sluiceMove(keys.length, ...keys, ...args);
}

/** The plain meaning: per entry LREM, then push and set the marker bit when it removed one. */
async function moveOneByOne(
  prefix: string,
  direction: 1 | -1,
  retry: boolean,
  firstStep: number,
  entries: Entry[],
): Promise<number[]> {
  const results: number[] = [];
  for (const [i, e] of entries.entries()) {
    const step = firstStep + i;
    if (retry && (await redis.getbit(`${prefix}marker`, step)) === 1) {
      results.push(2);
    } else if ((await redis.lrem(`${prefix}dead`, direction, e.element)) === 1) {
      const target = `${prefix}${e.target}`;
      if (e.side === 'R') await redis.rpush(target, e.payload);
      else await redis.lpush(target, e.payload);
      await redis.setbit(`${prefix}marker`, step, 1);
      results.push(1);
    } else results.push(0);
  }
  return results;
}

async function state(prefix: string): Promise<Record<string, unknown>> {
  return {
    dead: await redis.lrange(`${prefix}dead`, 0, -1),
    q1: await redis.lrange(`${prefix}q1`, 0, -1),
    q2: await redis.lrange(`${prefix}q2`, 0, -1),
    marker: (await redis.getBuffer(`${prefix}marker`))?.toString('hex') ?? null,
  };
}

/** A small deterministic generator: the same cases on every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('the Redis move script', () => {
  it('moves a run at the list end like LREM one by one: same lists, order, results and markers', async () => {
    const dead = Array.from({ length: 300 }, (_, i) => `{"id":${i}}`);
    // Producers LPUSH: the oldest entry is at the tail, so oldest first reads the tail backwards.
    const oldestFirst = [...dead].reverse();
    const entries: Entry[] = oldestFirst.slice(0, 250).map((element, i) => ({
      element,
      payload: `p${i}`,
      target: i % 50 < 30 ? 'q1' : 'q2',
      side: i % 7 === 0 ? 'R' : 'L',
    }));
    for (const prefix of ['a:', 'b:']) await redis.rpush(`${prefix}dead`, ...dead);
    const fast = await moveWithScript('a:', -1, false, 1000, entries);
    const plain = await moveOneByOne('b:', -1, false, 1000, entries);
    expect(fast).toEqual(plain);
    expect(fast.every((r) => r === 1)).toBe(true);
    expect(await state('a:')).toEqual(await state('b:'));
    expect(await redis.llen('a:dead')).toBe(50);
  });

  it('matches LREM one by one on lists with identical elements, gaps, both ends and retries', async () => {
    const next = random(7);
    const alphabet = ['A', 'B', 'C', 'D', '', '{"x":1}', '\u00e9\u0000bin'];
    for (let round = 0; round < 60; round += 1) {
      const length = Math.floor(next() * 40);
      const dead = Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]!);
      const direction: 1 | -1 = next() < 0.5 ? 1 : -1;
      // Mostly the list's own end in replay order (the fast path), with strays and repeats.
      const fromEnd = direction === -1 ? [...dead].reverse() : [...dead];
      const entries: Entry[] = [];
      for (let i = 0; i < Math.floor(next() * 45); i += 1) {
        const pick = next();
        const element =
          pick < 0.7 && i < fromEnd.length
            ? fromEnd[i]!
            : alphabet[Math.floor(next() * alphabet.length)]!;
        const roll = next();
        entries.push({
          element,
          payload: `${element}/${i}`,
          // Now and then the target is the dead list itself.
          target: roll < 0.05 ? 'dead' : roll < 0.6 ? 'q1' : 'q2',
          side: next() < 0.3 ? 'R' : 'L',
        });
      }
      if (entries.length === 0) continue;
      for (const prefix of ['a:', 'b:']) {
        await redis.del(`${prefix}dead`, `${prefix}q1`, `${prefix}q2`, `${prefix}marker`);
        if (dead.length > 0) await redis.rpush(`${prefix}dead`, ...dead);
      }
      const firstStep = Math.floor(next() * 100);
      const context = { round, dead, direction, entries: entries.map((e) => e.element) };
      expect([context, await moveWithScript('a:', direction, false, firstStep, entries)]).toEqual([
        context,
        await moveOneByOne('b:', direction, false, firstStep, entries),
      ]);
      expect([context, await state('a:')]).toEqual([context, await state('b:')]);

      // A retry of the same batch (a crash after the move, before the journal recorded it):
      // whatever moved answers 2 and stays where it is, even with identical elements left.
      const again = await moveWithScript('a:', direction, true, firstStep, entries);
      expect([context, again]).toEqual([
        context,
        await moveOneByOne('b:', direction, true, firstStep, entries),
      ]);
      expect([context, await state('a:')]).toEqual([context, await state('b:')]);
    }
  });

  it('a retried batch moves nothing twice although the list still holds identical elements', async () => {
    await redis.rpush('dead', 'X', 'X', 'X', 'X');
    const entries: Entry[] = [0, 1].map((i) => ({
      element: 'X',
      payload: `X/${i}`,
      target: 'q1',
      side: 'L',
    }));
    expect(await moveWithScript('', -1, false, 0, entries)).toEqual([1, 1]);
    expect(await redis.lrange('dead', 0, -1)).toEqual(['X', 'X']);
    expect(await moveWithScript('', -1, true, 0, entries)).toEqual([2, 2]);
    expect(await redis.lrange('dead', 0, -1)).toEqual(['X', 'X']);
    expect(await redis.lrange('q1', 0, -1)).toEqual(['X/1', 'X/0']);
    expect(await redis.ttl('marker')).toBeGreaterThan(0);
  });

  it('refuses a target of another type before removing anything', async () => {
    await redis.rpush('dead', 'A');
    await redis.set('q1', 'a string');
    await expect(
      moveWithScript('', -1, false, 0, [{ element: 'A', payload: 'A', target: 'q1', side: 'L' }]),
    ).rejects.toThrow(/WRONGTYPE/);
    expect(await redis.lrange('dead', 0, -1)).toEqual(['A']);
  });
});
