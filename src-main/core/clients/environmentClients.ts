import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { SluiceError } from '@shared/contract';
import type { Logger } from '@shared/log/logger';
import { ConnectorRegistry } from '../connectors/registry';
import type { EnvironmentRecord } from '../environments/repository';
import type { EventBus } from '../rpc/eventBus';
import type { EnvironmentConnections } from './config';
import {
  resolveConnections,
  resolveKafka,
  resolvePostgres,
  resolveRedis,
  type EnvironmentAccess,
} from './credentials';
import { createKafka } from './kafka';
import { createPool } from './postgres';
import type { ClientPurpose } from './purposes';
import { openRedisClient } from './redis';

/** Purposes whose clients live as long as their environment stays unchanged. */
export type KeptPurpose = Extract<ClientPurpose, 'deadletters'>;

interface Kept {
  redis?: Promise<Redis>;
  postgres?: pg.Pool;
  kafka?: Kafka;
}

export interface EnvironmentClientsOptions {
  environments: EnvironmentAccess;
  /** Where environments.changed comes from; without it nothing closes on change. */
  events?: EventBus;
  logger?: Logger;
}

function notConfigured(environment: EnvironmentRecord, service: string): SluiceError {
  return new SluiceError(
    'INVALID_INPUT',
    `environment "${environment.name}" has no ${service} connection configured`,
  );
}

/**
 * The one owner of Sluice's connections to the servers of every environment.
 * It resolves each environment's credentials (record plus secret store), keeps
 * the long-lived clients per environment and purpose, owns the connection
 * tests' connectors, and closes an environment's clients when it changes or
 * goes. Clients that live shorter (a monitor's, a group admin call's) are made
 * by the same per-kind constructors (redis.ts, postgres.ts, kafka.ts) and
 * closed by their owner. Redis replies come back as Buffers where bytes
 * matter; nothing here ever decodes a payload to a string.
 */
export class EnvironmentClients {
  /** Connection tests, one connector per (environment, server). */
  readonly connectors: ConnectorRegistry;
  private readonly kept = new Map<string, Kept>();
  private readonly unsubscribe: (() => void) | null;

  constructor(private readonly options: EnvironmentClientsOptions) {
    this.connectors = new ConnectorRegistry(options.logger ? { logger: options.logger } : {});
    this.unsubscribe =
      options.events?.onAny((event, payload) => {
        if (event !== 'environments.changed') return;
        for (const id of (payload as { ids: string[] }).ids) void this.closeEnvironment(id);
      }) ?? null;
  }

  private get environments(): EnvironmentAccess {
    return this.options.environments;
  }

  /** Each server's connection settings with passwords, or why it has none. */
  async connections(environmentId: string): Promise<EnvironmentConnections> {
    return resolveConnections(this.environments, this.environments.require(environmentId));
  }

  private slot(environmentId: string, purpose: KeptPurpose): Kept {
    const key = `${environmentId}\u0000${purpose}`;
    let entry = this.kept.get(key);
    if (!entry) {
      entry = {};
      this.kept.set(key, entry);
    }
    return entry;
  }

  /** A connected Redis client, opened on first use; a failed open is not kept. */
  redis(environmentId: string, purpose: KeptPurpose): Promise<Redis> {
    const slot = this.slot(environmentId, purpose);
    if (!slot.redis) {
      const opening = this.openRedis(environmentId, purpose);
      slot.redis = opening;
      opening.catch(() => {
        if (slot.redis === opening) delete slot.redis;
      });
    }
    return slot.redis;
  }

  private async openRedis(environmentId: string, purpose: KeptPurpose): Promise<Redis> {
    const environment = this.environments.require(environmentId);
    const resolved = await resolveRedis(this.environments, environment);
    if (resolved.config === null) throw notConfigured(environment, 'Redis');
    return openRedisClient(resolved.config, purpose, 0);
  }

  /** A pool whose connections open when a query needs one. */
  async postgres(environmentId: string, purpose: KeptPurpose): Promise<pg.Pool> {
    const slot = this.slot(environmentId, purpose);
    if (slot.postgres) return slot.postgres;
    const environment = this.environments.require(environmentId);
    const resolved = await resolvePostgres(this.environments, environment);
    if (resolved.config === null) throw notConfigured(environment, 'PostgreSQL');
    // Another call may have made the pool while the password was read.
    slot.postgres ??= createPool(resolved.config, purpose);
    return slot.postgres;
  }

  /** A kafkajs client; its producers, consumers and admins are its users' to close. */
  async kafka(environmentId: string, purpose: KeptPurpose): Promise<Kafka> {
    const slot = this.slot(environmentId, purpose);
    if (slot.kafka) return slot.kafka;
    const environment = this.environments.require(environmentId);
    if (environment.kafka === null) throw notConfigured(environment, 'Kafka');
    const resolved = await resolveKafka(this.environments, environment);
    if (resolved.config === null) {
      throw new SluiceError(
        'INVALID_INPUT',
        `environment "${environment.name}" has no SASL password`,
      );
    }
    slot.kafka ??= createKafka(resolved.config, purpose);
    return slot.kafka;
  }

  /** Closes the kept clients of one environment (every purpose unless one is named). */
  async closeEnvironment(environmentId: string, purpose?: KeptPurpose): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, slot] of this.kept) {
      const [id, slotPurpose] = key.split('\u0000');
      if (id !== environmentId || (purpose && slotPurpose !== purpose)) continue;
      this.kept.delete(key);
      closing.push(closeKept(slot));
    }
    if (!purpose) closing.push(this.connectors.closeEnvironment(environmentId));
    await Promise.all(closing);
  }

  /** Closes every kept client (of one purpose, when named). */
  async closeAll(purpose?: KeptPurpose): Promise<void> {
    const ids = new Set([...this.kept.keys()].map((key) => key.split('\u0000')[0]!));
    await Promise.all([...ids].map((id) => this.closeEnvironment(id, purpose)));
  }

  /** Stops following environment changes and closes everything. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.closeAll();
    await this.connectors.closeAll();
  }
}

async function closeKept(slot: Kept): Promise<void> {
  // An open still in flight is waited for, so its socket is not left behind.
  const redis = await slot.redis?.catch(() => null);
  redis?.disconnect();
  await slot.postgres?.end().catch(() => undefined);
}
