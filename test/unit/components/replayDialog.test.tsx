// @vitest-environment happy-dom
/**
 * The replay dialog's guards: a start is possible only after a dry run that
 * found entries, all with a target; a production bulk replay waits for the
 * environment's exact name, which travels with the request (the core checks
 * it again) without re-running the dry run.
 */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import {
  deadLetterSourceViewSchema,
  selectionSchema,
  type DryRun,
  type EnvironmentView,
  type ReplayJob,
} from '@shared/contract';
import { ReplayDialog } from '../../../src-renderer/src/pages/deadletters/ReplayDialog';
import { environmentView } from './fixtures';
import { fakeCore, renderWithCore, type FakeHandlers } from './render';

const AT = '2026-01-05T10:00:00.000Z';
const production = environmentView({ name: 'prod-eu', production: true });

const source = deadLetterSourceViewSchema.parse({
  id: '0b7a9d52-8c1e-4f3a-b6d2-5e4f3a2b1c0d',
  environmentId: production.id,
  name: 'write queue dead letters',
  settings: { kind: 'redis', key: 'write_queue:dead' },
  capabilities: {
    showsResolved: false,
    discard: 'removes',
    replayTargets: ['redis-list'],
    replayHeaders: false,
  },
  jsonSchema: null,
  bulkConfirmThreshold: 100,
  createdAt: AT,
  updatedAt: AT,
});

/** Every entry the (empty) filter matches, as the page hands it over. */
const everyEntry = selectionSchema.parse({ kind: 'filter', filter: {} });

function dryRunOf(overrides: Partial<DryRun> = {}): DryRun {
  return {
    count: 250,
    targets: [{ target: 'redis list write_queue', count: 250 }],
    withoutTarget: 0,
    sample: [],
    delivery: 'pushed to the list, then removed from the dead letters',
    warnings: [],
    confirmation: { required: true, environmentName: 'prod-eu', threshold: 100 },
    ...overrides,
  };
}

const job: ReplayJob = {
  id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
  environmentId: production.id,
  sourceId: source.id,
  sourceName: source.name,
  status: 'RUNNING',
  cause: null,
  failureReason: null,
  total: 250,
  moved: 0,
  skipped: 0,
  failed: 0,
  ratePerSecond: null,
  throughput: 0,
  targets: ['redis list write_queue'],
  delivery: '',
  notes: [],
  operator: 'ada',
  createdAt: AT,
  updatedAt: AT,
  finishedAt: null,
};

function open(environment: EnvironmentView, handlers: FakeHandlers) {
  const onClose = vi.fn();
  const core = fakeCore(handlers);
  renderWithCore(
    <ReplayDialog
      environment={environment}
      source={source}
      selection={everyEntry}
      onClose={onClose}
    />,
    core,
  );
  return { core, onClose };
}

const start = () => screen.getByTestId('dl-replay-start') as HTMLButtonElement;

describe('replay dialog', () => {
  it('in production, Start waits for the exact environment name, which the request carries; typing it does not re-run the dry run', async () => {
    const { core, onClose } = open(production, {
      'deadletters.dryRun': () => dryRunOf(),
      'deadletters.replay': () => job,
    });
    expect((await screen.findByTestId('dl-dryrun-count')).textContent).toBe(
      '250 entries would be replayed: 250 to redis list write_queue.',
    );
    expect(start().disabled).toBe(true);

    const name = screen.getByTestId('dl-confirm-name');
    fireEvent.change(name, { target: { value: 'PROD-EU' } });
    expect(start().disabled).toBe(true);
    fireEvent.change(name, { target: { value: 'prod-eu' } });
    expect(start().disabled).toBe(false);
    // The dry run waits 300 ms after the last change: give it the chance to run again.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(core.callsTo('deadletters.dryRun')).toHaveLength(1);

    fireEvent.click(start());
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    const [replay] = core.callsTo('deadletters.replay');
    expect(replay).toMatchObject({
      sourceId: source.id,
      selection: { kind: 'filter' },
      target: { kind: 'original' },
      confirmEnvironmentName: 'prod-eu',
    });
    expect(core.callsTo('deadletters.dryRun')[0]!.confirmEnvironmentName).toBeNull();
  });

  it('entries the dry run finds no target for, or none at all, keep Start disabled', async () => {
    let answer = dryRunOf({
      withoutTarget: 3,
      confirmation: { ...dryRunOf().confirmation, required: false },
    });
    open(environmentView(), { 'deadletters.dryRun': () => answer });
    await screen.findByTestId('dl-dryrun-count');
    expect(start().disabled).toBe(true);

    // A new dry run (the rate changed) that finds nothing to replay.
    answer = dryRunOf({
      count: 0,
      targets: [],
      confirmation: { ...dryRunOf().confirmation, required: false },
    });
    fireEvent.change(screen.getByTestId('dl-replay-rate'), { target: { value: '50' } });
    await waitFor(() =>
      expect(screen.getByTestId('dl-dryrun-count').textContent).toMatch(/^0 entries/),
    );
    expect(start().disabled).toBe(true);
  });
});
