/** What every replay benchmark reports, and the helpers they share. */
import { spawn } from 'node:child_process';
import type { ReplayJob } from '@shared/contract';
import type { TestCore } from '../../integration/deadletters/harness';

export interface Figure {
  name: string;
  entries: number;
  replayPerSecond: number;
  baselineName: string;
  baselinePerSecond: number;
  goal: number;
  /** Further references on the same server, for context (the bare move with the same client library, the server's own tools). */
  references: { name: string; perSecond: number }[];
  notes: string;
}

/** A measured value: a duration or a rate, with what it measured. */
export interface Measure {
  label: string;
  value: number;
  unit: 'ms' | 'entries/s';
}

/**
 * One row of `npm run bench -- replay`: what Sluice did and the baseline
 * measured in the same run on the same servers, and their ratio as the goal
 * states it (end to end: baseline time / Sluice time, so 1 is as fast as the
 * bare loop; selective: Sluice time / baseline time; footprint: the longest
 * stall in ms, beside the same measure during the baseline).
 */
export interface BenchRow {
  adapter: 'Redis' | 'Kafka' | 'PostgreSQL';
  row: 'end to end' | 'selective 10 %' | 'footprint';
  entries: number;
  sluice: Measure;
  baseline: Measure;
  ratio: number;
  /** The goal for this row, e.g. ">= 0.5", "<= 2", "<= 20 ms". */
  goal: string;
  notes: string;
}

/** The rows of an older figure (move throughput against a baseline). */
export function figureRows(figure: Figure, adapter: BenchRow['adapter']): BenchRow[] {
  return [
    {
      adapter,
      row: 'end to end',
      entries: figure.entries,
      sluice: { label: 'replay moves', value: figure.replayPerSecond, unit: 'entries/s' },
      baseline: {
        label: figure.baselineName,
        value: figure.baselinePerSecond,
        unit: 'entries/s',
      },
      ratio: figure.replayPerSecond / figure.baselinePerSecond,
      goal: figure.goal > 0 ? `>= ${figure.goal}` : '-',
      notes:
        figure.notes +
        figure.references
          .map((reference) => `; reference ${reference.name} ${reference.perSecond}/s`)
          .join(''),
    },
  ];
}

export function payload(i: number): string {
  return JSON.stringify({
    id: `w-${i}`,
    key: `doc-${i % 10_000}`,
    value: { title: `Document ${i}`, price: (i % 1000) / 10, tags: ['a', 'b'] },
  });
}

export function rate(entries: number, ms: number): number {
  return Math.round((entries / ms) * 1000);
}

export async function timeJob(
  t: TestCore,
  request: unknown,
): Promise<{ planMs: number; moveMs: number; job: ReplayJob }> {
  const started = Date.now();
  const job = await t.call('deadletters.replay', request as never);
  const planned = Date.now();
  for (;;) {
    const current = await t.call('deadletters.jobs.get', { jobId: job.id });
    if (
      current.status === 'COMPLETED' ||
      current.status === 'FAILED' ||
      current.status === 'CANCELLED'
    ) {
      if (current.status !== 'COMPLETED')
        throw new Error(`job ended ${current.status}: ${current.failureReason}`);
      return { planMs: planned - started, moveMs: Date.now() - planned, job: current };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function runCommand(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/** Refreshes the source's local index, then replays every entry; times each part. */
export async function indexAndReplayAll(
  t: TestCore,
  sourceId: string,
): Promise<{ indexMs: number; planMs: number; moveMs: number; job: ReplayJob }> {
  const indexStart = Date.now();
  await t.call('deadletters.refreshIndex', { sourceId });
  const indexMs = Date.now() - indexStart;
  const timed = await timeJob(t, { sourceId, selection: { kind: 'filter', filter: {} } });
  return { indexMs, ...timed };
}
