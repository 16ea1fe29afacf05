import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SECRET_MASK,
  SluiceError,
  environmentInputSchema,
  type EnvironmentInput,
} from '@shared/contract';
import { EnvironmentRepository } from '../../../src-main/core/environments/repository';
import { EnvironmentService } from '../../../src-main/core/environments/service';
import { resolveConnectionConfig } from '../../../src-main/core/environments/connectionConfig';
import { silentLogger } from '@shared/log/logger';
import { EventBus } from '../../../src-main/core/rpc/eventBus';
import {
  createEncryptedSecretStore,
  createFileSecretStore,
  type SecretCipher,
} from '../../../src-main/core/secrets';
import { openStore, type Db } from '../../../src-main/core/store/database';
import { migrations } from '../../../src-main/core/store/migrations';
import { makeTempDir } from '../../support/tempDir';

const REDIS_PASSWORD = 'redis-Pa55-word-7f3a';
const PG_PASSWORD = 'pg-Pa55-word-91c2';
const SASL_PASSWORD = 'sasl-Pa55-word-0d4e';

function input(overrides: Partial<EnvironmentInput> = {}) {
  return environmentInputSchema.parse({
    name: 'staging',
    colour: '#3366ff',
    redisUrl: `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/0`,
    postgresUrl: `postgres://sluice:${PG_PASSWORD}@127.0.0.1:5432/app`,
    kafka: {
      brokers: ['127.0.0.1:9092'],
      sasl: { mechanism: 'scram-sha-256', username: 'svc', password: SASL_PASSWORD },
    },
    ...overrides,
  });
}

let temp: ReturnType<typeof makeTempDir>;
let db: Db;
let service: EnvironmentService;
let changed: string[][];

beforeEach(() => {
  temp = makeTempDir('sluice-env-');
  db = openStore({ file: join(temp.dir, 'sluice.db'), migrations });
  const events = new EventBus(silentLogger);
  changed = [];
  events.onAny((event, payload) => {
    if (event === 'environments.changed') changed.push((payload as { ids: string[] }).ids);
  });
  service = new EnvironmentService(
    new EnvironmentRepository(db),
    createFileSecretStore(join(temp.dir, 'secrets.json')),
    events,
  );
});

afterEach(() => {
  db.close();
  temp.cleanup();
});

describe('environments', () => {
  it('stores passwords only in the secret file (mode 0600) and masks them in every view', async () => {
    const saved = await service.save(input(), false);
    expect(saved.redisUrl).toBe(`redis://:${SECRET_MASK}@127.0.0.1:6379/0`);
    expect(saved.postgresUrl).toBe(`postgres://sluice:${SECRET_MASK}@127.0.0.1:5432/app`);
    expect(saved.kafka?.sasl).toEqual({
      mechanism: 'scram-sha-256',
      username: 'svc',
      hasPassword: true,
    });
    expect(JSON.stringify(await service.list())).not.toMatch(/Pa55/);

    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = [join(temp.dir, 'sluice.db'), join(temp.dir, 'sluice.db-wal')]
      .map((file) => {
        try {
          return readFileSync(file).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    for (const secret of [REDIS_PASSWORD, PG_PASSWORD, SASL_PASSWORD])
      expect(bytes).not.toContain(secret);
    expect(statSync(join(temp.dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(changed).toEqual([[saved.id]]);
  });

  it('keeps the stored password when the mask comes back, replaces it when a new one is typed', async () => {
    const saved = await service.save(input(), false);
    const resend = input({
      id: saved.id,
      redisUrl: saved.redisUrl,
      postgresUrl: 'postgres://sluice:new-one@127.0.0.1:5432/app',
    });
    await service.save(
      { ...resend, kafka: { ...resend.kafka!, sasl: { mechanism: 'plain', username: 'svc' } } },
      false,
    );
    const redis = await resolveConnectionConfig(
      service,
      input({ id: saved.id, redisUrl: saved.redisUrl }),
      'redis',
    );
    expect(redis).toEqual({
      kind: 'redis',
      config: { url: 'redis://127.0.0.1:6379/0', password: REDIS_PASSWORD },
    });
    const pg = await resolveConnectionConfig(
      service,
      input({ id: saved.id, postgresUrl: saved.postgresUrl }),
      'postgres',
    );
    expect(pg?.config).toMatchObject({ password: 'new-one' });
    const kafka = await resolveConnectionConfig(
      service,
      {
        ...input({ id: saved.id }),
        kafka: {
          ...input().kafka!,
          sasl: { mechanism: 'plain', username: 'svc', password: SECRET_MASK },
        },
      },
      'kafka',
    );
    expect(kafka?.config).toMatchObject({ sasl: { password: SASL_PASSWORD } });
  });

  it('clears a password when the URL no longer carries one', async () => {
    const saved = await service.save(input(), false);
    const updated = await service.save(
      input({ id: saved.id, redisUrl: 'redis://127.0.0.1:6379/0' }),
      false,
    );
    expect(updated.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(await service.hasSecret(saved.id, 'redis')).toBe(false);
  });

  it('refuses a mask with no stored password behind it', async () => {
    await expect(
      service.save(input({ redisUrl: `redis://:${SECRET_MASK}@h:1` }), false),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('refuses a duplicate name with CONFLICT and an unknown id with NOT_FOUND', async () => {
    await service.save(input(), false);
    await expect(service.save(input({ name: 'STAGING' }), false)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      service.save(input({ id: '2b1e5b43-7a55-4a55-9e0c-3a4a1c1f0d55' }), false),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('removes the environment and all its secrets', async () => {
    const saved = await service.save(input(), false);
    await service.remove(saved.id);
    expect(await service.list()).toEqual([]);
    const secrets = JSON.parse(readFileSync(join(temp.dir, 'secrets.json'), 'utf8')) as {
      secrets: object;
    };
    expect(Object.keys(secrets.secrets)).toEqual([]);
    await expect(service.get(saved.id)).rejects.toBeInstanceOf(SluiceError);
  });

  it('asks for consent before saving secrets to an unencrypted store (Linux basic_text)', async () => {
    const obfuscating: SecretCipher = {
      backend: 'electron-safeStorage:basic_text',
      encrypted: false,
      encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
      decrypt: (data) => Buffer.from(data).reverse().toString('utf8'),
    };
    const store = createEncryptedSecretStore(join(temp.dir, 'secrets.bin'), obfuscating);
    const guarded = new EnvironmentService(
      new EnvironmentRepository(db),
      store,
      new EventBus(silentLogger),
    );
    await expect(guarded.save(input(), false)).rejects.toMatchObject({
      code: 'DENIED',
      details: { reason: 'unencrypted-secret-storage' },
    });
    expect(await guarded.list()).toEqual([]);
    const saved = await guarded.save(input(), true);
    expect(await guarded.secret(saved.id, 'redis')).toBe(REDIS_PASSWORD);
    expect(readFileSync(join(temp.dir, 'secrets.bin'), 'utf8')).not.toContain(REDIS_PASSWORD);
    // Without passwords nothing needs consent.
    await guarded.save(
      input({ name: 'no-secrets', redisUrl: 'redis://h:1', postgresUrl: null, kafka: null }),
      false,
    );
  });
});
