import type { Redis } from 'ioredis';

/**
 * Moves entries from a dead list to target lists, each entry atomically (the
 * whole call is one script, so in fact the batch is atomic).
 *
 * KEYS[1] dead list, KEYS[2] the job's marker bitmap, KEYS[3..] target lists.
 * ARGV[1] removal direction (1 from the head, -1 from the tail), ARGV[2]
 * marker TTL in seconds, ARGV[3] "1" when some entries were handed over before
 * (a retry after a crash or an outage), ARGV[4] the step of the first entry
 * (the entries are consecutive steps), ARGV[5] the exact elements one after
 * the other, ARGV[6] the payloads to push one after the other, ARGV[7] per
 * entry 10 bytes: the element's length and the payload's (4 bytes each, big
 * endian), the KEYS index of its target, and "L" or "R" (see moveScriptArgs).
 * Three arguments instead of three per entry: the client encodes a batch with
 * two copies of its bytes, not thousands of small writes.
 *
 * Per entry it returns 1 (moved now), 2 (moved by an earlier call of the same
 * job: its marker bit says so) or 0 (the element is no longer in the dead
 * list). The marker bit of a step is set in the same atomic step as the move,
 * so a repeated call never moves an entry twice, even when the list holds
 * identical elements. Every argument is binary-safe: Lua strings are bytes.
 *
 * The removal of one entry is LREM dead <direction> <element>: the first
 * occurrence counted from the end entries are taken from. Replaying oldest
 * first, that occurrence is usually the very element at that end, so the
 * script first compares the list's end (read a window at a time with LRANGE)
 * with the next entries, byte for byte, and cuts the run that matches with one
 * LTRIM: exactly the elements the LREM calls would have removed, one after the
 * other. Their payloads go out with one variadic push per run of the same
 * target and their marker bits with one BITFIELD. An entry that is not at the
 * end falls back to LREM. The fast path is off for a retry (every entry checks
 * its marker first) and when a target is the dead list itself (a push would
 * change the end being compared).
 */
export const MOVE_SCRIPT = `
-- Pushing to a key of another type would fail after the removal: refuse before changing anything.
for i = 3, #KEYS do
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind ~= 'list' and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE replay target ' .. KEYS[i] .. ' holds a ' .. kind)
  end
end
local dead = KEYS[1]
local marker = KEYS[2]
local direction = ARGV[1]
local fromHead = direction == '1'
local retry = ARGV[3] == '1'
local firstStep = tonumber(ARGV[4])
local layout = ARGV[7]
local count = #layout / 10
local fast = not retry
for i = 3, #KEYS do
  if KEYS[i] == dead then fast = false end
end
-- Entry i counts from 0; spec is the KEYS index of the target, negative for RPUSH.
local elements, payloads, specs = {}, {}, {}
local elementAt, payloadAt = 1, 1
for i = 0, count - 1 do
  local elementLength, payloadLength, target, side = struct.unpack('>I4I4Bc1', layout, i * 10 + 1)
  elements[i] = string.sub(ARGV[5], elementAt, elementAt + elementLength - 1)
  payloads[i] = string.sub(ARGV[6], payloadAt, payloadAt + payloadLength - 1)
  elementAt = elementAt + elementLength
  payloadAt = payloadAt + payloadLength
  if side == 'R' then specs[i] = -target else specs[i] = target end
end
if elementAt ~= #ARGV[5] + 1 or payloadAt ~= #ARGV[6] + 1 then
  return redis.error_reply('ERR replay move: the lengths do not add up to the bytes given')
end
local function element(i) return elements[i] end

local function push(spec, values)
  if spec < 0 then redis.call('RPUSH', KEYS[-spec], unpack(values))
  else redis.call('LPUSH', KEYS[spec], unpack(values)) end
end

-- Pushes entries first..last in order: a variadic push per run of the same target and side.
local function pushRun(first, last)
  local i = first
  while i <= last do
    local spec = specs[i]
    local values = {}
    local j = i
    while j <= last and specs[j] == spec and #values < 1000 do
      values[#values + 1] = payloads[j]
      j = j + 1
    end
    push(spec, values)
    i = j
  end
end

-- Sets the marker bits of steps first..last, up to 32 per BITFIELD operation.
local function markRun(first, last)
  local args = {}
  local position = first
  while position <= last do
    local width = math.min(32, last - position + 1)
    args[#args + 1] = 'SET'
    args[#args + 1] = 'u' .. width
    args[#args + 1] = tostring(position)
    args[#args + 1] = tostring(2 ^ width - 1)
    position = position + width
    if #args >= 4000 then
      redis.call('BITFIELD', marker, unpack(args))
      args = {}
    end
  end
  if #args > 0 then redis.call('BITFIELD', marker, unpack(args)) end
end

-- How many of the entries from i on sit at the list's end in order; cuts them off.
local function cutRun(i, window)
  local n = math.min(window, count - i)
  local ends
  if fromHead then ends = redis.call('LRANGE', dead, 0, n - 1)
  else ends = redis.call('LRANGE', dead, -n, -1) end
  local have = #ends
  local run = 0
  while run < have do
    local candidate
    if fromHead then candidate = ends[run + 1] else candidate = ends[have - run] end
    if candidate ~= element(i + run) then break end
    run = run + 1
  end
  if run > 0 then
    if fromHead then redis.call('LTRIM', dead, run, -1)
    else redis.call('LTRIM', dead, 0, -run - 1) end
  end
  return run, n
end

local results = {}
local i = 0
local window = 16
while i < count do
  local run = 0
  if fast then
    local asked
    run, asked = cutRun(i, window)
    if run > 0 then
      pushRun(i, i + run - 1)
      markRun(firstStep + i, firstStep + i + run - 1)
      for k = i, i + run - 1 do results[k + 1] = 1 end
      i = i + run
    end
    -- A whole window matched: the next one may be longer. Otherwise start small again.
    if run == asked then window = math.min(window * 2, 4096) else window = 16 end
  end
  if run == 0 then
    local step = firstStep + i
    if retry and redis.call('GETBIT', marker, step) == 1 then
      results[i + 1] = 2
    elseif redis.call('LREM', dead, direction, element(i)) == 1 then
      push(specs[i], { payloads[i] })
      redis.call('SETBIT', marker, step, 1)
      results[i + 1] = 1
    else
      results[i + 1] = 0
    end
    i = i + 1
  end
end
redis.call('EXPIRE', marker, ARGV[2])
return results
`;

/** One entry of a move: the exact element to remove, what to push, and where. */
export interface ScriptMove {
  element: Buffer;
  payload: Buffer;
  /** The KEYS index of the target list (3 or more). */
  targetIndex: number;
  side: 'head' | 'tail';
}

/** ARGV[5..7] of MOVE_SCRIPT: the elements, the payloads, and their layout. */
export function moveScriptArgs(moves: readonly ScriptMove[]): [Buffer, Buffer, Buffer] {
  const layout = Buffer.allocUnsafe(moves.length * 10);
  moves.forEach((move, i) => {
    if (move.targetIndex < 3 || move.targetIndex > 255) {
      throw new Error(
        `a move script call names at most 253 targets (KEYS index ${move.targetIndex})`,
      );
    }
    const at = i * 10;
    layout.writeUInt32BE(move.element.length, at);
    layout.writeUInt32BE(move.payload.length, at + 4);
    layout.writeUInt8(move.targetIndex, at + 8);
    layout.write(move.side === 'tail' ? 'R' : 'L', at + 9, 'latin1');
  });
  return [
    Buffer.concat(moves.map((move) => move.element)),
    Buffer.concat(moves.map((move) => move.payload)),
    layout,
  ];
}

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
