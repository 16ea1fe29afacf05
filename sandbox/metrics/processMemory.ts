import { readFileSync, readdirSync } from 'node:fs';

/** Proportional set size (shared pages split among sharers) or, failing that, RSS, in bytes. */
function processMemory(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const pss = /^Pss:\s+(\d+) kB/m.exec(rollup);
    if (pss) return Number(pss[1]) * 1024;
  } catch {
    // not readable: fall back to RSS
  }
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return rss ? Number(rss[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/**
 * Memory of a process and all its descendants (PostgreSQL runs one process
 * per connection), in bytes; 0 when the pid is unknown or gone.
 */
export function processTreeMemory(pid: number | null): number {
  if (!pid) return 0;
  const children = childrenOf();
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop()!;
    total += processMemory(current);
    stack.push(...(children.get(current) ?? []));
  }
  return total;
}
