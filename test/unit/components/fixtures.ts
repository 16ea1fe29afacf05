import type { EnvironmentView, ServerHealth } from '@shared/contract';

const AT = '2026-01-05T10:00:00.000Z';

export function environmentView(overrides: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    id: '6f1c2a7e-3b1d-4c5e-9a0f-1d2e3f4a5b6c',
    name: 'staging',
    colour: '#336699',
    readOnly: false,
    production: false,
    redisUrl: 'redis://127.0.0.1:6379',
    kafka: null,
    postgresUrl: null,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

export function serverHealth(overrides: Partial<ServerHealth> = {}): ServerHealth {
  return {
    server: 'redis',
    state: 'up',
    since: AT,
    cause: null,
    message: null,
    lastSampleAt: AT,
    lastDurationMs: 3,
    intervalMs: 5000,
    skippedTicks: 0,
    consecutiveFailures: 0,
    nextAttemptAt: null,
    ...overrides,
  };
}
