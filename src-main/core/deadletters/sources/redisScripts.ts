import type { Redis } from 'ioredis';

/**
 * Moves entries from a dead list to target lists, each entry atomically (the
 * whole call is one script, so in fact the batch is atomic).
 *
 * KEYS[1] dead list, KEYS[2] the job's marker bitmap, KEYS[3..] target lists.
 * ARGV[1] LREM direction (1 from the head, -1 from the tail), ARGV[2] marker
 * TTL in seconds, ARGV[3] "1" when some entries were handed over before (a
 * retry after a crash or an outage), then per entry four values: step, the
 * exact element, the payload to push, and "L" or "R" followed by the KEYS
 * index of its target.
 *
 * Per entry it returns 1 (moved now), 2 (moved by an earlier call of the same
 * job: its marker bit says so) or 0 (the element is no longer in the dead
 * list). The marker bit of a step is set in the same atomic step as the move,
 * so a repeated call never moves an entry twice, even when the list holds
 * identical elements. Every argument is binary-safe: Lua strings are bytes.
 */
export const MOVE_SCRIPT = `
-- Pushing to a key of another type would fail after the LREM: refuse before changing anything.
for i = 3, #KEYS do
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind ~= 'list' and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE replay target ' .. KEYS[i] .. ' holds a ' .. kind)
  end
end
local retry = ARGV[3] == '1'
local results = {}
local count = (#ARGV - 3) / 4
for i = 0, count - 1 do
  local base = 4 + i * 4
  local step = tonumber(ARGV[base])
  if retry and redis.call('GETBIT', KEYS[2], step) == 1 then
    results[i + 1] = 2
  elseif redis.call('LREM', KEYS[1], ARGV[1], ARGV[base + 1]) == 1 then
    local spec = ARGV[base + 3]
    local target = KEYS[tonumber(string.sub(spec, 2))]
    if string.sub(spec, 1, 1) == 'R' then
      redis.call('RPUSH', target, ARGV[base + 2])
    else
      redis.call('LPUSH', target, ARGV[base + 2])
    end
    redis.call('SETBIT', KEYS[2], step, 1)
    results[i + 1] = 1
  else
    results[i + 1] = 0
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return results
`;

/**
 * Pushes payloads whose dead letter lives elsewhere (a PostgreSQL row), at most
 * once per job step: KEYS[1] marker bitmap, KEYS[2..] targets; ARGV[1] TTL,
 * then per entry: step, payload, "L" or "R" followed by the KEYS index of the
 * target. SETBIT answers the bit's old value, so set-and-test is one command.
 * Returns 1 (pushed now) or 2 (pushed by an earlier call).
 */
export const DELIVER_ONCE_SCRIPT = `
-- Refuse a target of another type before pushing anything.
for i = 2, #KEYS do
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind ~= 'list' and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE replay target ' .. KEYS[i] .. ' holds a ' .. kind)
  end
end
local results = {}
local count = (#ARGV - 1) / 3
for i = 0, count - 1 do
  local base = 2 + i * 3
  if redis.call('SETBIT', KEYS[1], tonumber(ARGV[base]), 1) == 0 then
    local spec = ARGV[base + 2]
    local target = KEYS[tonumber(string.sub(spec, 2))]
    if string.sub(spec, 1, 1) == 'R' then
      redis.call('RPUSH', target, ARGV[base + 1])
    else
      redis.call('LPUSH', target, ARGV[base + 1])
    end
    results[i + 1] = 1
  else
    results[i + 1] = 2
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return results
`;

/** KEYS[1] dead list; ARGV[1] direction, then exact elements. 1 removed, 0 missing. */
export const REMOVE_SCRIPT = `
local results = {}
for i = 2, #ARGV do
  results[i - 1] = redis.call('LREM', KEYS[1], ARGV[1], ARGV[i])
end
return results
`;

/** Markers outlive any plausible outage; they are deleted when the job ends. */
export const MARKER_TTL_SECONDS = 30 * 24 * 3600;

export function markerKey(jobId: string): string {
  return `sluice:replay:${jobId}`;
}

type ScriptClient = Redis & {
  sluiceMove(...args: (string | Buffer | number)[]): Promise<number[]>;
  sluiceDeliverOnce(...args: (string | Buffer | number)[]): Promise<number[]>;
  sluiceRemove(...args: (string | Buffer | number)[]): Promise<number[]>;
};

const defined = new WeakSet<Redis>();

/** ioredis sends EVALSHA and falls back to EVAL once per connection (NOSCRIPT). */
export function scripts(client: Redis): ScriptClient {
  if (!defined.has(client)) {
    client.defineCommand('sluiceMove', { lua: MOVE_SCRIPT });
    client.defineCommand('sluiceDeliverOnce', { lua: DELIVER_ONCE_SCRIPT });
    client.defineCommand('sluiceRemove', { lua: REMOVE_SCRIPT, numberOfKeys: 1 });
    defined.add(client);
  }
  return client as ScriptClient;
}
