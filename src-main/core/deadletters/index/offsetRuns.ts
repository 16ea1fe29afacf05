/** A run of consecutive offsets of one partition: first..last, every one of them present. */
export interface OffsetRun {
  partition: number;
  first: number;
  last: number;
}

/**
 * Splits Kafka records into runs of consecutive offsets per partition (at
 * least `minRun` long) and the offsets left over, per partition. Duplicates
 * count once; every input offset ends up in exactly one run or list.
 */
export function offsetRuns(
  records: readonly { partition: number; offset: number }[],
  minRun: number,
): { runs: OffsetRun[]; scattered: Map<number, number[]> } {
  const byPartition = new Map<number, number[]>();
  for (const { partition, offset } of records) {
    let list = byPartition.get(partition);
    if (list === undefined) {
      list = [];
      byPartition.set(partition, list);
    }
    list.push(offset);
  }
  const runs: OffsetRun[] = [];
  const scattered = new Map<number, number[]>();
  for (const [partition, offsets] of byPartition) {
    offsets.sort((a, b) => a - b);
    let start = 0;
    for (let i = 1; i <= offsets.length; i += 1) {
      const current = offsets[i];
      const previous = offsets[i - 1]!;
      if (current !== undefined && (current === previous || current === previous + 1)) continue;
      // offsets[start..i-1] are consecutive (duplicates allowed).
      const first = offsets[start]!;
      if (previous - first + 1 >= minRun) runs.push({ partition, first, last: previous });
      else {
        let rest = scattered.get(partition);
        if (rest === undefined) {
          rest = [];
          scattered.set(partition, rest);
        }
        for (let k = start; k < i; k += 1) {
          const offset = offsets[k]!;
          if (rest[rest.length - 1] !== offset) rest.push(offset);
        }
      }
      start = i;
    }
  }
  return { runs, scattered };
}
