import { describe, expect, it } from 'vitest';
import { deadLetterSourceInputSchema, type ReplayJob } from '@shared/contract';
import { isNewerJob, keepNewerJobs } from '../../../src-renderer/src/queries/replayJobFreshness';
import {
  formatBytes,
  hexDump,
  offsetOf,
  payloadBytes,
  prettyJson,
} from '../../../src-renderer/src/pages/deadletters/format';
import {
  emptySourceForm,
  formFromSource,
  sourceInputFromForm,
} from '../../../src-renderer/src/pages/deadletters/sourceFormModel';

describe('dead-letter page helpers', () => {
  it('dumps bytes as hex with printable ASCII beside them', () => {
    const bytes = new Uint8Array([0x3c, 0x73, 0x3e, 0x00, 0xff, 0x41]);
    expect(hexDump(bytes)).toEqual(['00000000  3c 73 3e 00 ff 41' + ' '.repeat(30) + '  <s>..A']);
    expect(hexDump(new Uint8Array(40))).toHaveLength(3);
    expect(payloadBytes({ size: 2, utf8: false, text: null, base64: '//4=', json: false })).toEqual(
      new Uint8Array([0xff, 0xfe]),
    );
  });

  it('pretty-prints JSON and leaves other text alone; finds offsets by line and column', () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('{"a":')).toBeNull();
    expect(offsetOf('ab\ncde\nf', 2, 3)).toBe(5);
    expect(offsetOf('ab', 9, 1)).toBe(2);
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });

  it('the source form round-trips every kind through the contract schema', () => {
    const redis = { ...emptySourceForm(), name: 'writes', defaultTargetKey: 'write_queue' };
    const kafka = {
      ...emptySourceForm(),
      name: 'sync',
      kind: 'kafka' as const,
      topic: 'job-es-sync.dlq',
    };
    const postgres = {
      ...emptySourceForm(),
      name: 'imports',
      kind: 'postgres' as const,
      targetKind: 'postgres-table' as const,
      targetTable: 'import_queue',
      targetReplayIdColumn: 'replay_id',
    };
    for (const form of [redis, kafka, postgres]) {
      const input = deadLetterSourceInputSchema.parse(sourceInputFromForm(form));
      const view = {
        ...input,
        id: '00000000-0000-4000-8000-000000000001',
        environmentId: '00000000-0000-4000-8000-000000000002',
        createdAt: '',
        updatedAt: '',
      };
      const again = deadLetterSourceInputSchema.parse(sourceInputFromForm(formFromSource(view)));
      expect(again.settings).toEqual(input.settings);
      expect(again.name).toBe(form.name);
    }
  });
});

describe('replay job states in the job list', () => {
  const running: ReplayJob = {
    id: '00000000-0000-4000-8000-000000000001',
    environmentId: '00000000-0000-4000-8000-000000000002',
    sourceId: '00000000-0000-4000-8000-000000000003',
    sourceName: 'write queue',
    status: 'RUNNING',
    cause: null,
    failureReason: null,
    total: 1,
    moved: 0,
    skipped: 0,
    failed: 0,
    ratePerSecond: null,
    throughput: 0,
    targets: ['redis:write_queue'],
    delivery: '',
    notes: [],
    operator: 'ops',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: null,
  };
  const completed: ReplayJob = {
    ...running,
    status: 'COMPLETED',
    moved: 1,
    updatedAt: '2026-01-01T00:00:00.050Z',
    finishedAt: '2026-01-01T00:00:00.050Z',
  };

  it('keeps a state an event delivered when a list fetched before it answers late', () => {
    expect(keepNewerJobs([completed], [running])).toEqual([completed]);
    expect(keepNewerJobs([running], [completed])).toEqual([completed]);
    expect(keepNewerJobs(undefined, [running])).toEqual([running]);
  });

  it('orders states of one job by update time, then progress, then a final status', () => {
    expect(isNewerJob(completed, running)).toBe(true);
    expect(isNewerJob(running, completed)).toBe(false);
    const sameTime = { ...completed, updatedAt: running.updatedAt };
    expect(isNewerJob(sameTime, running)).toBe(true);
    const sameProgress = { ...running, status: 'CANCELLED' as const };
    expect(isNewerJob(sameProgress, running)).toBe(true);
    expect(isNewerJob(running, running)).toBe(false);
  });
});
