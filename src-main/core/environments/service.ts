import { randomUUID } from 'node:crypto';
import {
  SECRET_MASK,
  SluiceError,
  type EnvironmentDraft,
  type EnvironmentView,
} from '@shared/contract';
import type { SecretStore } from '../host';
import type { EventBus } from '../rpc/eventBus';
import type { EnvironmentRecord, EnvironmentRepository, StoredKafkaConfig } from './repository';
import { maskUrl, splitUrlPassword } from './urlSecrets';

export type SecretSlot = 'redis' | 'postgres' | 'kafka-sasl';

export function secretRef(environmentId: string, slot: SecretSlot): string {
  return `env:${environmentId}:${slot}`;
}

/** What to do with one stored secret when an environment is saved. */
type SecretChange = { kind: 'keep' } | { kind: 'set'; value: string } | { kind: 'clear' };

function changeFor(password: string | null | undefined): SecretChange {
  if (password === undefined || password === SECRET_MASK) return { kind: 'keep' };
  if (password === null || password === '') return { kind: 'clear' };
  return { kind: 'set', value: password };
}

/**
 * Environments: the rows in SQLite hold no password; each password goes to the
 * host secret store and comes back to callers only as SECRET_MASK.
 */
export class EnvironmentService {
  constructor(
    private readonly repository: EnvironmentRepository,
    private readonly secrets: SecretStore,
    private readonly events: EventBus,
  ) {}

  async list(): Promise<EnvironmentView[]> {
    return Promise.all(this.repository.list().map((record) => this.toView(record)));
  }

  async get(id: string): Promise<EnvironmentView> {
    return this.toView(this.require(id));
  }

  require(id: string): EnvironmentRecord {
    const record = this.repository.get(id);
    if (!record) throw new SluiceError('NOT_FOUND', `no environment with id ${id}`);
    return record;
  }

  async hasSecret(environmentId: string, slot: SecretSlot): Promise<boolean> {
    const ref = secretRef(environmentId, slot);
    return (await this.secrets.list(ref)).includes(ref);
  }

  /** The stored password of one slot, for connecting. Never leaves the core. */
  async secret(environmentId: string | undefined, slot: SecretSlot): Promise<string | null> {
    if (!environmentId) return null;
    return this.secrets.get(secretRef(environmentId, slot));
  }

  async save(draft: EnvironmentDraft, acceptUnencryptedSecrets: boolean): Promise<EnvironmentView> {
    const existing = draft.id ? this.repository.get(draft.id) : null;
    if (draft.id && !existing)
      throw new SluiceError('NOT_FOUND', `no environment with id ${draft.id}`);
    const id = existing?.id ?? randomUUID();
    const clash = this.repository.findByName(draft.name);
    if (clash && clash.id !== id) {
      throw new SluiceError('CONFLICT', `an environment named "${clash.name}" already exists`, {
        field: 'name',
      });
    }

    const redis = draft.redisUrl === null ? null : splitUrlPassword(draft.redisUrl);
    const postgres = draft.postgresUrl === null ? null : splitUrlPassword(draft.postgresUrl);
    const changes: [SecretSlot, SecretChange][] = [
      ['redis', redis ? changeFor(redis.password) : { kind: 'clear' }],
      ['postgres', postgres ? changeFor(postgres.password) : { kind: 'clear' }],
      ['kafka-sasl', draft.kafka?.sasl ? changeFor(draft.kafka.sasl.password) : { kind: 'clear' }],
    ];

    for (const [slot, change] of changes) {
      // A mask (or a SASL user without a password) with nothing stored behind
      // it would silently connect without the password: refuse instead.
      if (change.kind !== 'keep' || (existing && (await this.hasSecret(id, slot)))) continue;
      const message =
        slot === 'kafka-sasl'
          ? 'SASL needs a password'
          : `there is no stored ${slot} password to keep: type the password`;
      throw new SluiceError('INVALID_INPUT', message, {
        issues: [{ path: ['environment', ...slotPath(slot)], message }],
      });
    }

    const storesSecret = changes.some(([, change]) => change.kind === 'set');
    if (storesSecret && this.secrets.status().requiresConsent && !acceptUnencryptedSecrets) {
      throw new SluiceError('DENIED', 'secrets would be stored without encryption; confirm first', {
        reason: 'unencrypted-secret-storage',
        warning: this.secrets.status().warning,
      });
    }

    for (const [slot, change] of changes) {
      if (change.kind === 'set') await this.secrets.set(secretRef(id, slot), change.value);
      if (change.kind === 'clear') await this.secrets.delete(secretRef(id, slot));
    }

    const now = new Date().toISOString();
    const kafka: StoredKafkaConfig | null = draft.kafka
      ? {
          brokers: draft.kafka.brokers,
          clientId: draft.kafka.clientId,
          ssl: draft.kafka.ssl,
          sslRejectUnauthorized: draft.kafka.sslRejectUnauthorized,
          sasl: draft.kafka.sasl
            ? { mechanism: draft.kafka.sasl.mechanism, username: draft.kafka.sasl.username }
            : null,
        }
      : null;
    const record: EnvironmentRecord = {
      id,
      name: draft.name,
      colour: draft.colour.toLowerCase(),
      readOnly: draft.readOnly,
      production: draft.production,
      redisUrl: redis?.url ?? null,
      kafka,
      postgresUrl: postgres?.url ?? null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.repository.upsert(record);
    this.events.emit('environments.changed', { ids: [id] });
    return this.toView(record);
  }

  async remove(id: string): Promise<void> {
    this.require(id);
    for (const ref of await this.secrets.list(`env:${id}:`)) await this.secrets.delete(ref);
    this.repository.remove(id);
    this.events.emit('environments.changed', { ids: [id] });
  }

  private async toView(record: EnvironmentRecord): Promise<EnvironmentView> {
    // One read of the store's refs: whether a secret exists needs no decryption.
    const stored = new Set(await this.secrets.list(`env:${record.id}:`));
    const redis = stored.has(secretRef(record.id, 'redis'));
    const postgres = stored.has(secretRef(record.id, 'postgres'));
    const sasl = stored.has(secretRef(record.id, 'kafka-sasl'));
    return {
      id: record.id,
      name: record.name,
      colour: record.colour,
      readOnly: record.readOnly,
      production: record.production,
      redisUrl: record.redisUrl === null ? null : maskUrl(record.redisUrl, redis),
      kafka: record.kafka
        ? {
            ...record.kafka,
            sasl: record.kafka.sasl ? { ...record.kafka.sasl, hasPassword: sasl } : null,
          }
        : null,
      postgresUrl: record.postgresUrl === null ? null : maskUrl(record.postgresUrl, postgres),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }
}

function slotPath(slot: SecretSlot): string[] {
  if (slot === 'redis') return ['redisUrl'];
  if (slot === 'postgres') return ['postgresUrl'];
  return ['kafka', 'sasl', 'password'];
}
