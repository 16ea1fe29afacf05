import {
  SECRET_MASK,
  SluiceError,
  type EnvironmentDraft,
  type ServiceKind,
} from '@shared/contract';
import type { ConnectionConfig } from '../clients/config';
import type { EnvironmentService, SecretSlot } from './service';
import { splitUrlPassword } from './urlSecrets';

export type { ConnectionConfig } from '../clients/config';

/**
 * Turns an environment as the form holds it (passwords typed, or masked to
 * mean "the stored one") into what a connector needs: the connection test of
 * a form not yet saved. A saved environment's clients resolve from its record
 * instead (clients/credentials.ts). Returns null when the
 * service is not configured.
 */
export async function resolveConnectionConfig(
  environments: EnvironmentService,
  draft: EnvironmentDraft,
  kind: ServiceKind,
): Promise<ConnectionConfig | null> {
  const password = async (given: string | null | undefined, slot: SecretSlot) => {
    if (given !== SECRET_MASK && given !== undefined) return given === '' ? null : given;
    const stored = await environments.secret(draft.id, slot);
    if (stored === null && given === SECRET_MASK) {
      throw new SluiceError(
        'INVALID_INPUT',
        `there is no stored ${slot} password: type the password`,
      );
    }
    return stored;
  };

  if (kind === 'redis') {
    if (draft.redisUrl === null) return null;
    const split = splitUrlPassword(draft.redisUrl);
    return { kind, config: { url: split.url, password: await password(split.password, 'redis') } };
  }
  if (kind === 'postgres') {
    if (draft.postgresUrl === null) return null;
    const split = splitUrlPassword(draft.postgresUrl);
    return {
      kind,
      config: { url: split.url, password: await password(split.password, 'postgres') },
    };
  }
  if (draft.kafka === null) return null;
  const sasl = draft.kafka.sasl;
  const saslPassword = sasl ? await password(sasl.password, 'kafka-sasl') : null;
  if (sasl && saslPassword === null)
    throw new SluiceError('INVALID_INPUT', 'SASL needs a password');
  return {
    kind,
    config: {
      brokers: draft.kafka.brokers,
      clientId: draft.kafka.clientId,
      ssl: draft.kafka.ssl,
      sslRejectUnauthorized: draft.kafka.sslRejectUnauthorized,
      sasl: sasl && saslPassword !== null ? { ...sasl, password: saslPassword } : null,
    },
  };
}
