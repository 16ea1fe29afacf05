import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { redactText } from '@shared/log/redact';
import { SYNC_DLQ_TOPIC, SYNC_GROUP, SYNC_TOPIC } from './common/names';
import type { Sandbox, SandboxEnvironment, SandboxSnapshot } from './pipeline';

/** The environment with its passwords masked, for printing. */
export function maskedEnvironment(environment: SandboxEnvironment): SandboxEnvironment {
  return {
    ...environment,
    redisUrl: redactText(environment.redisUrl),
    postgresUrl: redactText(environment.postgresUrl),
  };
}

/** Writes the environment (with passwords: it is what Sluice needs) to a file only its owner can read. */
export async function writeEnvironmentFile(
  path: string,
  environment: SandboxEnvironment,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(environment, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** What runs where, as lines for a terminal. */
export function describeSandbox(sandbox: Sandbox): string {
  const rows: [string, string, string][] = [
    [
      'PostgreSQL 15',
      `${sandbox.postgres.host}:${sandbox.postgres.port}`,
      `database ${sandbox.postgres.database}, user ${sandbox.postgres.user}; tables documents, outbox, search_index, dead_letters`,
    ],
    [
      'Redis 7',
      sandbox.redisServer.url,
      `lists ${sandbox.keys.queue}, ${sandbox.keys.processing}, ${sandbox.keys.dead}; hash ${sandbox.keys.stats}`,
    ],
    [
      sandbox.kafkaCluster.kind === 'mock' ? 'Kafka (mock)' : 'Apache Kafka',
      sandbox.kafkaCluster.bootstrap,
      `topics ${SYNC_TOPIC}, ${SYNC_DLQ_TOPIC}; consumer group ${SYNC_GROUP}`,
    ],
    ['Writer API', sandbox.writer.url, 'POST /write  GET /read/:key  GET /stats  GET /health'],
    [
      'Controls',
      sandbox.control.url,
      'GET /control/status  POST /control/{worker,sync}/{pause,resume}  POST /control/load/{start,stop,rate,burst}',
    ],
    [
      'Worker',
      sandbox.worker ? 'in this process' : 'not started',
      'BLMOVE batches write_queue -> PostgreSQL; failures -> write_queue:dead',
    ],
    [
      'Sync',
      'in this process',
      'outbox drainer, es-sync consumer (DLQ job-es-sync.dlq), backup poller',
    ],
  ];
  const width = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map(
      ([what, where, detail]) =>
        `  ${what.padEnd(width[0]!)}  ${where.padEnd(width[1]!)}  ${detail}`,
    )
    .join('\n');
}

/** One status line: queue, throughput, sync gap, lag, dead letters. */
export function statusLine(snapshot: SandboxSnapshot, writesPerSecond: number): string {
  return [
    new Date().toISOString().slice(11, 19),
    `queue ${snapshot.queueDepth}`,
    `processing ${snapshot.processingDepth}`,
    `processed ${snapshot.processed} (${writesPerSecond.toFixed(0)}/s)`,
    `failed ${snapshot.failed}`,
    `sync gap ${snapshot.syncGap}`,
    `lag ${snapshot.lag.total}`,
    `DLQ topic ${snapshot.dlqMessages}`,
    `dead_letters ${snapshot.deadLetterRows}`,
  ].join('  ');
}
