export interface Sample {
  seconds: number;
  achievedRate: number;
  processedRate: number;
  queueDepth: number;
  processingDepth: number;
  processed: number;
  failed: number;
  rejected: number;
  errors: number;
  behind: number;
  syncGap: number;
  lag: number;
  dlq: number;
  syncP50Ms: number;
  syncP95Ms: number;
  /** Share of the time this process's event loop was busy (0..1). */
  eventLoopBusy: number;
  rssMb: number;
  heapMb: number;
  redisMb: number;
  kafkaMb: number;
  postgresMb: number;
}

const COLUMNS: [string, (s: Sample) => string][] = [
  ['t(s)', (s) => String(s.seconds)],
  ['sent/s', (s) => s.achievedRate.toFixed(0)],
  ['done/s', (s) => s.processedRate.toFixed(0)],
  ['queue', (s) => String(s.queueDepth)],
  ['inproc', (s) => String(s.processingDepth)],
  ['processed', (s) => String(s.processed)],
  ['failed', (s) => String(s.failed)],
  ['errors', (s) => String(s.errors)],
  ['gap', (s) => String(s.syncGap)],
  ['lag', (s) => String(s.lag)],
  ['dlq', (s) => String(s.dlq)],
  ['sync p50/p95 ms', (s) => `${s.syncP50Ms.toFixed(0)}/${s.syncP95Ms.toFixed(0)}`],
  ['loop busy', (s) => `${(s.eventLoopBusy * 100).toFixed(0)}%`],
  ['node rss', (s) => s.rssMb.toFixed(0)],
  ['heap', (s) => s.heapMb.toFixed(1)],
  ['redis', (s) => s.redisMb.toFixed(1)],
  ['kafka', (s) => s.kafkaMb.toFixed(0)],
  ['pg', (s) => s.postgresMb.toFixed(0)],
];

export function formatTable(samples: Sample[], header: boolean): string {
  const rows = samples.map((sample) => COLUMNS.map(([, cell]) => cell(sample)));
  const widths = COLUMNS.map(([name], i) =>
    Math.max(name.length, ...rows.map((row) => row[i]!.length)),
  );
  const line = (cells: string[]): string =>
    cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  return [...(header ? [line(COLUMNS.map(([name]) => name))] : []), ...rows.map(line)].join('\n');
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Whether memory grew, per process: the trend (least squares over the samples
 * after a one-minute warm-up, so start-up allocation and the JIT are not
 * counted) in MB per minute, and the growth it adds up to over the run.
 * Growth of less than 10 % of the mean (or under 5 MB) counts as flat: the
 * garbage collector's sawtooth alone moves the heap by that much.
 */
export function memoryVerdict(samples: Sample[]): string[] {
  const steady = samples.filter((s) => s.seconds >= 60);
  const use = steady.length >= 3 ? steady : samples;
  if (use.length < 3) return ['memory: too few samples for a trend'];
  const minutes = (use[use.length - 1]!.seconds - use[0]!.seconds) / 60;
  const series: [string, (s: Sample) => number, string][] = [
    ['this process heap (live, after a full GC)', (s) => s.heapMb, ''],
    ['this process RSS', (s) => s.rssMb, ''],
    [
      'redis-server',
      (s) => s.redisMb,
      ' (holds write_queue:dead, which grows by design with every failed write)',
    ],
    [
      'Kafka mock broker',
      (s) => s.kafkaMb,
      ' (keeps every message: the mock cluster has no retention)',
    ],
    ['PostgreSQL (all processes)', (s) => s.postgresMb, ' (shared buffers fill up to 64 MB first)'],
  ];
  return series.map(([name, value, note]) => {
    const perMinute = slope(use.map((s) => [s.seconds / 60, value(s)]));
    const mean = use.reduce((sum, s) => sum + value(s), 0) / use.length;
    const growth = perMinute * minutes;
    const flat = growth < Math.max(5, mean * 0.1);
    return (
      `memory ${name}: ${value(use[0]!).toFixed(1)} -> ${value(use[use.length - 1]!).toFixed(1)} MB, ` +
      `trend ${perMinute >= 0 ? '+' : ''}${perMinute.toFixed(2)} MB/min: ${flat ? 'no growth' : 'GREW'}${flat ? '' : note}`
    );
  });
}
