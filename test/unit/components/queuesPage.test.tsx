// @vitest-environment happy-dom
/**
 * The Queues page when Redis goes away: the core's health event refreshes
 * the page at once, the banner says Redis is down with the cause and since
 * when, and the table keeps the last values read instead of emptying.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MonitoringSnapshot, QueueRow } from '@shared/contract';
import { useMonitoringLiveUpdates } from '../../../src-renderer/src/queries/monitoring';
import { QueuesPage } from '../../../src-renderer/src/pages/queues/QueuesPage';
import { environmentView, serverHealth } from './fixtures';
import { fakeCore, pending, renderWithCore } from './render';

const environment = environmentView();

function queue(key: string, depth: number, role: QueueRow['role'] = 'queue'): QueueRow {
  return {
    key,
    role,
    queueKey: role === 'dead-letter' ? 'write_queue' : null,
    depth,
    inRate: 4,
    outRate: 3.5,
    rateBasis: 'counters',
    trend: 0.5,
    error: null,
  };
}

function snapshotWith(health: MonitoringSnapshot['servers'][number]): MonitoringSnapshot {
  return {
    environmentId: environment.id,
    configured: true,
    servers: [health],
    queues: [queue('write_queue', 1234), queue('write_queue:dead', 7, 'dead-letter')],
    streams: [],
    kafka: null,
    gaps: [],
    alerts: { open: 0, acknowledged: 0 },
  };
}

/** The page as App mounts it: live updates subscribed once, above the pages. */
function LiveQueuesPage() {
  useMonitoringLiveUpdates();
  return <QueuesPage />;
}

const depthOf = (key: string) =>
  within(screen.getByTestId(`queue-row-${key}`)).getByTestId('queue-depth').textContent;

describe('Queues page', () => {
  it('Redis down: the banner names the cause at once and the table keeps the last values read', async () => {
    let snapshot = snapshotWith(serverHealth());
    const core = fakeCore({
      'environments.list': () => [environment],
      'monitoring.config.get': () => null,
      'monitoring.snapshot': () => snapshot,
      'monitoring.history': () => pending(),
      'monitoring.alerts.list': () => [],
    });
    renderWithCore(<LiveQueuesPage />, core, { selectedEnvironment: true });

    await waitFor(() => expect(screen.getByTestId('source-redis').dataset.state).toBe('up'));
    expect(depthOf('write_queue')).toBe('1,234');
    expect(depthOf('write_queue:dead')).toBe('7');

    // The core keeps the last readings in the snapshot and marks the server down.
    const since = new Date(Date.now() - 5_000).toISOString();
    snapshot = snapshotWith(
      serverHealth({
        state: 'down',
        since,
        cause: 'refused',
        message: 'connection refused by 127.0.0.1:6390',
        consecutiveFailures: 3,
      }),
    );
    core.emit('monitoring.health', {
      environmentId: environment.id,
      server: 'redis',
      state: 'down',
      since,
      message: 'connection refused by 127.0.0.1:6390',
    });

    // An up banner is a <p>, a down one a <div role=alert>: find it again.
    await waitFor(() => expect(screen.getByTestId('source-redis').dataset.state).toBe('down'));
    const banner = screen.getByTestId('source-redis');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toMatch(
      /^Redis down since .*: connection refused by 127\.0\.0\.1:6390/,
    );
    expect(banner.textContent).toContain('(cause: refused)');
    expect(banner.textContent).toContain('Showing the last values read');
    expect(depthOf('write_queue')).toBe('1,234');
    expect(depthOf('write_queue:dead')).toBe('7');
  });
});
