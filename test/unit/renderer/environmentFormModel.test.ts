import { describe, expect, it } from 'vitest';
import { SECRET_MASK, environmentInputSchema, type EnvironmentView } from '@shared/contract';
import {
  emptyForm,
  formFromView,
  inputFromForm,
  parseBrokers,
} from '../../../src-renderer/src/pages/settings/environmentFormModel';

const view: EnvironmentView = {
  id: '6f1c1a52-8a39-4c43-9d55-0b4f3f0f8a11',
  name: 'prod',
  colour: '#ff0000',
  readOnly: true,
  production: true,
  redisUrl: `redis://:${SECRET_MASK}@10.0.0.1:6379/0`,
  postgresUrl: null,
  kafka: {
    brokers: ['k1:9092', 'k2:9092'],
    clientId: 'sluice',
    ssl: true,
    sslRejectUnauthorized: true,
    sasl: { mechanism: 'scram-sha-512', username: 'svc', hasPassword: true },
  },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('environment form model', () => {
  it('splits broker lists on commas, spaces and new lines', () => {
    expect(parseBrokers(' a:1, b:2\nc:3  d:4 ')).toEqual(['a:1', 'b:2', 'c:3', 'd:4']);
  });

  it('round-trips a stored environment with its masks so the core keeps the secrets', () => {
    const input = environmentInputSchema.parse(inputFromForm(formFromView(view)));
    expect(input).toMatchObject({
      id: view.id,
      redisUrl: view.redisUrl,
      postgresUrl: null,
      kafka: {
        brokers: ['k1:9092', 'k2:9092'],
        sasl: { mechanism: 'scram-sha-512', password: SECRET_MASK },
      },
    });
  });

  it('sends no Kafka config without brokers and no id for a new environment', () => {
    const input = inputFromForm({ ...emptyForm(), name: 'x', redisUrl: '  ' });
    expect(input.kafka).toBeNull();
    expect(input.redisUrl).toBeNull();
    expect('id' in input).toBe(false);
  });
});
