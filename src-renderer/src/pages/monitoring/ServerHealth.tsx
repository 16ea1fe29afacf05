import type { ServiceKind, ServerHealth } from '@shared/contract';
import { formatSince } from './format';

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
}

export const SERVER_NAMES: Record<ServiceKind, string> = {
  redis: 'Redis',
  kafka: 'Kafka',
  postgres: 'PostgreSQL',
};

/** One line: "Redis up", or "Redis down since 14:02:11 (3 min ago): connection refused by ...". */
export function healthText(health: ServerHealth): string {
  const name = SERVER_NAMES[health.server];
  switch (health.state) {
    case 'up':
      return `${name} up`;
    case 'down':
      return `${name} down since ${formatSince(health.since)}: ${health.message ?? 'no answer'}`;
    case 'starting':
      return `${name} connecting…`;
    case 'disabled':
      return `${name} monitoring switched off`;
    case 'not-configured':
      return `${name} not monitored${health.message ? ` (${health.message})` : ''}`;
  }
}

/** A small chip for tables (Overview). The title carries the whole story. */
export function HealthChip({ health }: { health: ServerHealth }) {
  const label =
    health.state === 'up'
      ? 'up'
      : health.state === 'down'
        ? `down since ${formatSince(health.since)}`
        : health.state === 'starting'
          ? 'connecting'
          : '—';
  return (
    <span
      className={`health-chip health-${health.state}`}
      title={healthText(health)}
      data-testid={`health-${health.server}`}
      data-state={health.state}
    >
      {SERVER_NAMES[health.server]} {label}
      {health.state === 'down' && health.message ? `: ${health.message}` : ''}
    </span>
  );
}

/**
 * The panel banner of a page's server: a down server says so, with the cause
 * and since when; the data below it is the last that was read.
 */
export function ServerBanner({ health }: { health: ServerHealth | undefined }) {
  if (!health) return null;
  if (health.state === 'up') {
    return (
      <p
        className="source-banner source-up muted"
        data-testid={`source-${health.server}`}
        data-state="up"
      >
        {SERVER_NAMES[health.server]} up · polled every {Math.round(health.intervalMs / 1000)} s
        {health.lastSampleAt ? ` · last sample ${clock(health.lastSampleAt)}` : ''}
        {health.lastDurationMs !== null ? ` (${health.lastDurationMs} ms)` : ''}
        {health.skippedTicks > 0
          ? ` · ${health.skippedTicks} ticks skipped (poll still running)`
          : ''}
      </p>
    );
  }
  const down = health.state === 'down';
  return (
    <div
      className={down ? 'source-banner source-down' : 'source-banner source-idle'}
      role={down ? 'alert' : 'status'}
      data-testid={`source-${health.server}`}
      data-state={health.state}
    >
      <strong>{healthText(health)}</strong>
      {down && health.cause ? <span className="muted"> (cause: {health.cause})</span> : null}
      {down && health.nextAttemptAt ? (
        <span className="muted">
          {' '}
          · next attempt {formatSince(health.nextAttemptAt).split(' ')[0]}
        </span>
      ) : null}
      {down && health.lastSampleAt ? (
        <div className="muted">
          Showing the last values read, at {formatSince(health.lastSampleAt)}.
        </div>
      ) : null}
    </div>
  );
}
