import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../sandbox/servers';
import { startMonitoringHarness, waitFor, type MonitoringHarness } from './harness';

let server: PostgresServer;
let harness: MonitoringHarness;
let client: pg.Client;

beforeAll(async () => {
  server = await startPostgres({ password: 'pg-secret', database: 'pipeline' });
  harness = await startMonitoringHarness();
  client = new pg.Client({ connectionString: server.url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`
    CREATE TABLE docs (
      id bigint PRIMARY KEY,
      updated_at timestamptz NOT NULL,
      es_synced_at timestamptz,
      tenant text NOT NULL DEFAULT 'a'
    );
    -- 20000 rows in the index, 30 never synced (2 minutes old), 10 changed after their sync.
    INSERT INTO docs SELECT g, now() - interval '1 hour', now() - interval '59 minutes'
      FROM generate_series(1, 20000) g;
    UPDATE docs SET es_synced_at = NULL, updated_at = now() - interval '120 seconds' WHERE id <= 30;
    UPDATE docs SET updated_at = now() - interval '30 seconds' WHERE id BETWEEN 31 AND 40;
    UPDATE docs SET tenant = 'b' WHERE id <= 5;
    ANALYZE docs;
  `);
});

afterAll(async () => {
  await client?.end().catch(() => undefined);
  await harness?.cleanup();
  await server?.stop();
});

describe('PostgreSQL sync gap monitor', () => {
  it('counts the gap, ages its oldest row, shows the plan and suggests the index, then sees it used', async () => {
    const environmentId = await harness.addEnvironment({ name: 'pg-env', postgresUrl: server.url });
    const config = {
      pollIntervalMs: 600_000,
      postgres: {
        tables: [
          { table: 'public.docs', updatedAtColumn: 'updated_at', syncedAtColumn: 'es_synced_at' },
          {
            table: 'docs',
            updatedAtColumn: 'updated_at',
            syncedAtColumn: 'es_synced_at',
            filter: "tenant = 'b'",
          },
        ],
      },
      alerts: [{ kind: 'gap-age' as const, table: 'public.docs', aboveSeconds: 60 }],
    };
    await harness.configure(environmentId, config);
    const monitor = harness.service.monitor(environmentId)!;
    await monitor.pollAll();
    const [all, tenantB] = harness.snapshot(environmentId).gaps;
    expect(all).toMatchObject({ table: 'public.docs', count: 40, error: null });
    expect(all!.oldestAgeSeconds).toBeGreaterThanOrEqual(119);
    expect(all!.oldestAgeSeconds).toBeLessThan(180);
    expect(tenantB).toMatchObject({ table: 'docs', count: 5 });
    expect(all!.plan).toMatchObject({ seqScan: true, existingIndex: null });
    expect(all!.plan!.totalCost).toBeGreaterThan(0);
    expect(all!.plan!.nodeTypes).toContain('Seq Scan');
    const suggestion = all!.plan!.suggestedIndex!;
    expect(suggestion).toMatch(
      /^CREATE INDEX CONCURRENTLY "docs_updated_at_sync_gap_idx" ON "public"\."docs"/,
    );
    expect(harness.service.listAlerts({ environmentId, states: ['open'], limit: 5 })).toHaveLength(
      1,
    );

    // The suggestion is valid SQL; with it in place the planner uses it.
    await client.query(suggestion);
    await client.query('ANALYZE docs');
    // Saving restarts the monitors, which re-reads the plan.
    await harness.configure(environmentId, config);
    await harness.service.monitor(environmentId)!.pollAll();
    const after = harness.snapshot(environmentId).gaps[0]!;
    expect(after.plan).toMatchObject({
      seqScan: false,
      existingIndex: 'docs_updated_at_sync_gap_idx',
      suggestedIndex: null,
    });
    expect(after.plan!.totalCost).toBeLessThan(all!.plan!.totalCost);

    // Growth over the window: 20 more rows fall out of sync.
    await new Promise((r) => setTimeout(r, 300));
    await client.query(`UPDATE docs SET es_synced_at = NULL WHERE id BETWEEN 41 AND 60`);
    await harness.service.monitor(environmentId)!.pollAll();
    const grown = harness.snapshot(environmentId).gaps[0]!;
    expect(grown.count).toBe(60);
    expect(grown.growthPerSecond).toBeGreaterThan(0);
  });

  it('a slow gap query is cancelled by its statement timeout; the other table keeps updating', async () => {
    const environmentId = await harness.addEnvironment({
      name: 'pg-slow',
      postgresUrl: server.url,
    });
    await harness.configure(environmentId, {
      pollIntervalMs: 600_000,
      timeoutMs: 1500,
      postgres: {
        tables: [
          {
            table: 'docs',
            updatedAtColumn: 'updated_at',
            syncedAtColumn: 'es_synced_at',
            filter: '(SELECT true FROM pg_sleep(5))',
          },
          { table: 'public.docs', updatedAtColumn: 'updated_at', syncedAtColumn: 'es_synced_at' },
        ],
      },
    });
    const started = Date.now();
    await harness.service.monitor(environmentId)!.pollAll();
    expect(Date.now() - started).toBeLessThan(1500);
    const snapshot = harness.snapshot(environmentId);
    expect(snapshot.gaps[0]!.count).toBeNull();
    expect(snapshot.gaps[0]!.error).toMatch(/statement timeout/);
    expect(snapshot.gaps[1]!.count).toBe(60);
    expect(snapshot.servers.find((s) => s.server === 'postgres')!.state).toBe('up');
  });

  it('the connection is read-only: a filter cannot write', async () => {
    await client.query('CREATE SEQUENCE monitor_probe_seq');
    const environmentId = await harness.addEnvironment({ name: 'pg-ro', postgresUrl: server.url });
    await harness.configure(environmentId, {
      pollIntervalMs: 600_000,
      postgres: {
        tables: [
          {
            table: 'docs',
            updatedAtColumn: 'updated_at',
            syncedAtColumn: 'es_synced_at',
            filter: "nextval('monitor_probe_seq') > 0",
          },
        ],
      },
    });
    await harness.service.monitor(environmentId)!.pollAll();
    const row = harness.snapshot(environmentId).gaps[0]!;
    expect(row.count).toBeNull();
    // 25006: read_only_sql_transaction.
    expect(row.error).toMatch(/read-only transaction.*SQLSTATE 25006/);
    const { rows } = await client.query<{ is_called: boolean }>(
      'SELECT is_called FROM monitor_probe_seq',
    );
    expect(rows[0]!.is_called).toBe(false);
  });

  it('a server that is not there: down with cause refused; the message never holds the password', async () => {
    const environmentId = await harness.addEnvironment({
      name: 'pg-gone',
      postgresUrl: `postgres://sluice:pg-secret@127.0.0.1:1/pipeline`,
    });
    await harness.configure(environmentId, {
      postgres: {
        tables: [{ table: 'docs', updatedAtColumn: 'updated_at', syncedAtColumn: 'es_synced_at' }],
      },
    });
    const health = await waitFor(
      'postgres down',
      () => harness.snapshot(environmentId).servers.find((s) => s.server === 'postgres')!,
      (h) => h.state === 'down',
    );
    expect(health).toMatchObject({
      cause: 'refused',
      message: 'connection refused by 127.0.0.1:1',
    });
    expect(JSON.stringify(harness.snapshot(environmentId))).not.toContain('pg-secret');
  });
});
