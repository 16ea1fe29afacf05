import { describe, expect, it } from 'vitest';
import type { ConnectionTestResult, ServiceKind } from '@shared/contract';
import { ConnectorRegistry } from '../../../src-main/core/connectors/registry';
import type { ConnectionConfig, Connector } from '../../../src-main/core/connectors/types';
import { createLogger } from '@shared/log/logger';

/** Records what the registry does to it; answers test() with a fixed result. */
class RecordingConnector implements Connector {
  closed = 0;
  tested = 0;

  constructor(
    readonly kind: ServiceKind,
    readonly connection: ConnectionConfig,
    private readonly failClose = false,
  ) {}

  async test(): Promise<ConnectionTestResult> {
    this.tested += 1;
    return { ok: true, service: this.kind, version: 'recorded', rttMs: 1 };
  }

  async close(): Promise<void> {
    this.closed += 1;
    if (this.failClose) throw new Error('close failed for redis://:hunter2@h:1');
  }
}

function harness(options: { failClose?: boolean } = {}) {
  const created: RecordingConnector[] = [];
  const lines: string[] = [];
  const registry = new ConnectorRegistry({
    logger: createLogger((line) => lines.push(line), 'debug'),
    factory: (connection) => {
      const connector = new RecordingConnector(connection.kind, connection, options.failClose);
      created.push(connector);
      return connector;
    },
  });
  return { registry, created, lines };
}

const redisAt = (url: string, password: string | null = null) => ({
  kind: 'redis' as const,
  config: { url, password },
});

describe('ConnectorRegistry', () => {
  it('returns the same connector for the same environment, kind and config', () => {
    const { registry, created } = harness();
    const first = registry.get('env-1', redisAt('redis://h:1'));
    expect(registry.get('env-1', redisAt('redis://h:1'))).toBe(first);
    expect(registry.get('env-2', redisAt('redis://h:1'))).not.toBe(first);
    expect(created).toHaveLength(2);
    expect(registry.peek('env-1', 'redis')).toBe(first);
    expect(registry.peek('env-1', 'kafka')).toBeUndefined();
  });

  it('replaces and closes a connector whose config (or password) changed', async () => {
    const { registry, created } = harness();
    registry.get('env-1', redisAt('redis://h:1', 'old'));
    const replaced = registry.get('env-1', redisAt('redis://h:1', 'new'));
    expect(created).toHaveLength(2);
    expect(replaced).toBe(created[1]);
    await Promise.resolve();
    expect(created[0]?.closed).toBe(1);
    expect(registry.size).toBe(1);
  });

  it('health-checks one or all open connectors, null when none is open', async () => {
    const { registry } = harness();
    registry.get('env-1', redisAt('redis://h:1'));
    registry.get('env-1', {
      kind: 'postgres',
      config: { url: 'postgres://u@h/db', password: null },
    });
    expect(await registry.healthCheck('env-1', 'redis')).toMatchObject({ ok: true });
    expect(await registry.healthCheck('env-1', 'kafka')).toBeNull();
    const reports = await registry.healthCheckAll();
    expect(reports.map((r) => `${r.environmentId}/${r.kind}`).sort()).toEqual([
      'env-1/postgres',
      'env-1/redis',
    ]);
  });

  it('closes one, one environment, or everything', async () => {
    const { registry, created } = harness();
    registry.get('env-1', redisAt('redis://h:1'));
    registry.get('env-1', {
      kind: 'postgres',
      config: { url: 'postgres://u@h/db', password: null },
    });
    registry.get('env-2', redisAt('redis://h:2'));
    await registry.close('env-1', 'redis');
    expect(created[0]?.closed).toBe(1);
    expect(registry.size).toBe(2);
    await registry.closeEnvironment('env-1');
    expect(created[1]?.closed).toBe(1);
    expect(registry.size).toBe(1);
    await registry.closeAll();
    expect(created[2]?.closed).toBe(1);
    expect(registry.size).toBe(0);
    await registry.close('env-9', 'kafka');
  });

  it('a connector that fails to close is logged without its secrets, and does not stop the others', async () => {
    const { registry, created, lines } = harness({ failClose: true });
    registry.get('env-1', redisAt('redis://h:1'));
    registry.get('env-2', redisAt('redis://h:2'));
    await registry.closeAll();
    expect(created.every((c) => c.closed === 1)).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(lines[0]).toContain('closing a connector failed');
  });
});
