import {
  SluiceError,
  type ConcreteReplayTarget,
  type DryRun,
  type ReplayRequest,
} from '@shared/contract';
import { payloadView } from '../bytes';
import type { RecordHeader } from '../kafkaHeaders';
import type { DeadLetterSource, EntrySnapshot } from '../source';
import type { JobPlan } from './jobRecord';
import type { NewJob, PlannedStep, ReplayJournal } from './journal';
import { applyHeaderPolicy, markJsonObject, replayIdFor } from './marking';
import { describeTarget, replayMarksOf } from './targetKinds';

export const PLAN_CHUNK = 1000;
const SAMPLE_SIZE = 5;
const SAMPLE_BYTES = 64 * 1024;

export interface PlanInput {
  source: DeadLetterSource;
  request: ReplayRequest;
  /** Saved edits of the source: entry key to corrected payload. */
  edits: ReadonlyMap<string, Buffer>;
}

/** A concrete target per entry: the one chosen, or the one its metadata names. */
export function targetFor(
  snapshot: EntrySnapshot,
  request: ReplayRequest,
): ConcreteReplayTarget | null {
  return request.target.kind === 'original' ? snapshot.originalTarget : request.target;
}

/** The exact bytes and headers one entry is delivered with. */
export function deliveryOf(
  input: PlanInput,
  snapshot: EntrySnapshot,
  target: ConcreteReplayTarget,
  replayId: string,
): { payload: Buffer; headers: RecordHeader[] } {
  const base = input.edits.get(snapshot.key) ?? snapshot.payload;
  switch (replayMarksOf(target)) {
    case 'headers':
      return {
        payload: base,
        headers: applyHeaderPolicy(
          snapshot.headers,
          input.request.headers,
          replayId,
          snapshot.originLabel,
        ),
      };
    case 'json-members':
      return input.source.redisListMarking === 'json-fields'
        ? { payload: markJsonObject(base, replayId, snapshot.originLabel), headers: [] }
        : { payload: base, headers: [] };
    case 'columns':
      return { payload: base, headers: [] };
  }
}

function targetKey(target: ConcreteReplayTarget): string {
  return JSON.stringify(target);
}

function headerWarnings(input: PlanInput, targets: ConcreteReplayTarget[]): string[] {
  const { headers } = input.request;
  const customised =
    headers.add.length > 0 || headers.strip.length > 0 || headers.mode !== 'strip-errors';
  if (customised && targets.some((t) => replayMarksOf(t) !== 'headers')) {
    return ['header settings apply to Kafka targets only; other targets ignore them'];
  }
  return [];
}

/** Counts, targets and a sample, without writing anything anywhere. */
export async function dryRun(input: PlanInput): Promise<Omit<DryRun, 'confirmation'>> {
  const counts = new Map<string, { target: ConcreteReplayTarget; count: number }>();
  const sample: DryRun['sample'] = [];
  let count = 0;
  let withoutTarget = 0;
  for await (const chunk of input.source.select(input.request.selection, PLAN_CHUNK)) {
    for (const snapshot of chunk) {
      const target = targetFor(snapshot, input.request);
      if (target === null) withoutTarget += 1;
      else {
        const key = targetKey(target);
        const entry = counts.get(key) ?? { target, count: 0 };
        entry.count += 1;
        counts.set(key, entry);
      }
      if (sample.length < SAMPLE_SIZE) {
        const delivery = target
          ? deliveryOf(input, snapshot, target, replayIdFor('dry-run', count))
          : { payload: input.edits.get(snapshot.key) ?? snapshot.payload, headers: [] };
        const view = payloadView(delivery.payload.subarray(0, SAMPLE_BYTES));
        sample.push({
          key: snapshot.key,
          target: target ? describeTarget(target) : null,
          payload: { ...view, size: delivery.payload.length },
          headers: delivery.headers.map((h) => {
            const value = payloadView(h.value);
            return { name: h.name, text: value.text, base64: value.base64 };
          }),
        });
      }
      count += 1;
    }
  }
  const targets = [...counts.values()];
  const warnings = headerWarnings(
    input,
    targets.map((t) => t.target),
  );
  const problems = targets
    .map(({ target }) => input.source.targetProblem(target))
    .filter((problem): problem is string => problem !== null);
  warnings.push(...new Set(problems));
  if (withoutTarget > 0) {
    warnings.push(
      `${withoutTarget} ${withoutTarget === 1 ? 'entry names' : 'entries name'} no original target: choose a target`,
    );
  }
  const first = targets[0]?.target;
  return {
    count,
    targets: targets.map(({ target, count: n }) => ({ target: describeTarget(target), count: n })),
    withoutTarget,
    sample,
    delivery: first ? input.source.deliveryDescription(first) : '',
    warnings,
  };
}

/**
 * Writes the whole plan to the journal: every selected entry, its target and
 * the exact bytes it is delivered with (edits and replay marks applied).
 * Refuses before writing anything usable when an entry has no target or a
 * target this source cannot deliver to.
 */
export async function writePlan(
  input: PlanInput,
  journal: ReplayJournal,
  job: NewJob,
  notes: string[],
): Promise<{ total: number; plan: JobPlan }> {
  const plan: JobPlan = { targets: [], delivery: '', notes };
  const indexOf = new Map<string, number>();
  journal.beginPlan(job, plan);
  let total = 0;
  for await (const chunk of input.source.select(input.request.selection, PLAN_CHUNK)) {
    const steps: PlannedStep[] = [];
    for (const snapshot of chunk) {
      const target = targetFor(snapshot, input.request);
      if (target === null) {
        throw new SluiceError(
          'INVALID_INPUT',
          `entry ${snapshot.key} names no original target: choose a target for this replay`,
        );
      }
      const key = targetKey(target);
      let targetIndex = indexOf.get(key);
      if (targetIndex === undefined) {
        const problem = input.source.targetProblem(target);
        if (problem !== null) throw new SluiceError('INVALID_INPUT', problem);
        targetIndex = plan.targets.push(target) - 1;
        indexOf.set(key, targetIndex);
      }
      const step = total + steps.length;
      const delivery = deliveryOf(input, snapshot, target, replayIdFor(job.id, step));
      steps.push({
        key: snapshot.key,
        stored: input.source.removesByStoredBytes ? snapshot.stored : null,
        payload: delivery.payload,
        recordKey: snapshot.recordKey,
        headers: delivery.headers,
        origin: snapshot.originLabel,
        targetIndex,
      });
    }
    journal.addSteps(job.id, total, steps);
    total += steps.length;
  }
  const first = plan.targets[0];
  plan.delivery = first ? input.source.deliveryDescription(first) : '';
  journal.finishPlan(job.id, total, plan);
  return { total, plan };
}
