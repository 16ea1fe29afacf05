// @vitest-environment happy-dom
/**
 * The offset reset dialog: nothing can be applied before the core has shown
 * what would change, a change of the form drops that preview, a refused
 * preview never enables Apply, and production asks for the typed name.
 */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type {
  EnvironmentView,
  GroupDescription,
  OffsetResetPreview,
  OffsetResetResult,
} from '@shared/contract';
import { OffsetResetDialog } from '../../../src-renderer/src/pages/lag/OffsetResetDialog';
import { environmentView } from './fixtures';
import { fakeCore, renderWithCore, type FakeHandlers } from './render';

const group: GroupDescription = {
  groupId: 'indexer',
  state: 'Empty',
  protocolType: 'consumer',
  protocol: '',
  members: [],
  offsets: [
    { topic: 'jobs', partition: 0, committed: 4, logStart: 0, logEnd: 10, lag: 6, memberId: null },
    { topic: 'jobs', partition: 1, committed: 7, logStart: 0, logEnd: 9, lag: 2, memberId: null },
  ],
  describedAt: '2026-01-05T10:00:00.000Z',
};

function previewOf(overrides: Partial<OffsetResetPreview> = {}): OffsetResetPreview {
  return {
    groupId: 'indexer',
    state: 'Empty',
    members: [],
    rows: [
      {
        topic: 'jobs',
        partition: 0,
        current: 4,
        next: 5,
        logStart: 0,
        logEnd: 10,
        lagBefore: 6,
        lagAfter: 5,
        clamped: false,
      },
    ],
    refusal: null,
    confirmationRequired: false,
    ...overrides,
  };
}

const applied: OffsetResetResult = {
  groupId: 'indexer',
  rows: [{ topic: 'jobs', partition: 0, before: 4, after: 5 }],
};

function open(environment: EnvironmentView, handlers: FakeHandlers) {
  const core = fakeCore(handlers);
  renderWithCore(
    <OffsetResetDialog environment={environment} group={group} onClose={() => undefined} />,
    core,
  );
  return core;
}

const apply = () => screen.getByTestId('offset-reset-apply') as HTMLButtonElement;
const previewButton = () => screen.getByTestId('offset-reset-preview-button') as HTMLButtonElement;

describe('offset reset dialog', () => {
  it('enables Apply only once the core has previewed the chosen target; changing the target drops the preview', async () => {
    const core = open(environmentView(), {
      'kafka.offsets.previewReset': () => previewOf(),
    });
    expect(apply().disabled).toBe(true);

    fireEvent.click(previewButton());
    expect((await screen.findByTestId('offset-reset-preview')).textContent).toContain('jobs/0');
    expect(apply().disabled).toBe(false);
    // "Skip one record" is a shift by one on the topic shown first, every partition.
    expect(core.callsTo('kafka.offsets.previewReset')).toEqual([
      {
        environmentId: environmentView().id,
        groupId: 'indexer',
        topic: 'jobs',
        partitions: null,
        target: { kind: 'shift', by: 1 },
      },
    ]);

    fireEvent.change(screen.getByTestId('offset-reset-kind'), { target: { value: 'earliest' } });
    expect(screen.queryByTestId('offset-reset-preview')).toBeNull();
    expect(apply().disabled).toBe(true);
    expect(core.callsTo('kafka.offsets.reset')).toEqual([]);
  });

  it('says what is wrong with the form and asks the core nothing: a shift of 0, partitions that are not numbers', () => {
    const core = open(environmentView(), {});
    fireEvent.change(screen.getByTestId('offset-reset-kind'), { target: { value: 'shift' } });
    fireEvent.change(screen.getByTestId('offset-reset-value'), { target: { value: '0' } });
    expect(screen.getByText('a shift of 0 changes nothing')).toBeTruthy();
    expect(previewButton().disabled).toBe(true);

    fireEvent.change(screen.getByTestId('offset-reset-value'), { target: { value: '-3' } });
    fireEvent.change(screen.getByTestId('offset-reset-partitions'), {
      target: { value: '0, one' },
    });
    expect(screen.getByText('partitions: numbers separated by commas')).toBeTruthy();
    expect(previewButton().disabled).toBe(true);
    fireEvent.click(previewButton());
    expect(core.calls).toEqual([]);
  });

  it('a refused preview (members present) shows the reason and never enables Apply', async () => {
    open(environmentView(), {
      'kafka.offsets.previewReset': () =>
        previewOf({
          state: 'Stable',
          refusal: 'group "indexer" has 1 member (indexer-client on 127.0.0.1)',
        }),
    });
    fireEvent.click(previewButton());
    expect((await screen.findByTestId('offset-reset-refusal')).textContent).toBe(
      'group "indexer" has 1 member (indexer-client on 127.0.0.1)',
    );
    expect(apply().disabled).toBe(true);
  });

  it('in production, Apply waits for the exact environment name, and the reset carries it', async () => {
    const core = open(environmentView({ production: true, name: 'prod-eu' }), {
      'kafka.offsets.previewReset': () => previewOf({ confirmationRequired: true }),
      'kafka.offsets.reset': () => applied,
    });
    fireEvent.click(previewButton());
    const name = await screen.findByTestId('offset-reset-confirm-name');
    expect(apply().disabled).toBe(true);
    fireEvent.change(name, { target: { value: 'prod-e' } });
    expect(apply().disabled).toBe(true);
    fireEvent.change(name, { target: { value: 'prod-eu' } });
    expect(apply().disabled).toBe(false);

    fireEvent.click(apply());
    expect((await screen.findByTestId('offset-reset-result')).textContent).toBe(
      'Committed: jobs/0 4 → 5',
    );
    expect(core.callsTo('kafka.offsets.reset')).toEqual([
      {
        environmentId: environmentView().id,
        groupId: 'indexer',
        topic: 'jobs',
        partitions: null,
        target: { kind: 'shift', by: 1 },
        confirmName: 'prod-eu',
      },
    ]);
    await waitFor(() => expect(screen.queryByTestId('offset-reset-apply')).toBeNull());
  });
});
