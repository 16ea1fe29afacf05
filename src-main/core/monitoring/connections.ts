import {
  SluiceError,
  type EnvironmentDraft,
  type EnvironmentView,
  type ServiceKind,
} from '@shared/contract';
import { resolveConnectionConfig } from '../environments/connectionConfig';
import type { EnvironmentService } from '../environments/service';
import type { MonitorConnections, Resolved } from './environmentMonitor';

/** The stored environment as the connection resolver takes it: masked passwords mean "the stored one". */
function draftOf(view: EnvironmentView): EnvironmentDraft {
  return {
    id: view.id,
    name: view.name,
    colour: view.colour,
    readOnly: view.readOnly,
    production: view.production,
    redisUrl: view.redisUrl,
    postgresUrl: view.postgresUrl,
    kafka: view.kafka
      ? {
          brokers: view.kafka.brokers,
          clientId: view.kafka.clientId,
          ssl: view.kafka.ssl,
          sslRejectUnauthorized: view.kafka.sslRejectUnauthorized,
          // No password given: the stored one is used.
          sasl: view.kafka.sasl
            ? { mechanism: view.kafka.sasl.mechanism, username: view.kafka.sasl.username }
            : null,
        }
      : null,
  };
}

/**
 * Each source's connection settings with their passwords from the secret
 * store, or why a source has none (not configured, a password missing).
 */
export async function resolveMonitorConnections(
  environments: EnvironmentService,
  view: EnvironmentView,
): Promise<MonitorConnections> {
  const draft = draftOf(view);
  const resolve = async <K extends ServiceKind>(kind: K): Promise<Resolved<never>> => {
    try {
      const resolved = await resolveConnectionConfig(environments, draft, kind);
      if (resolved === null)
        return { config: null, reason: `no ${kind} connection in this environment` };
      return { config: resolved.config as never };
    } catch (error) {
      const message =
        error instanceof SluiceError ? error.message : 'the connection settings could not be read';
      return { config: null, reason: message };
    }
  };
  const [redis, kafka, postgres] = await Promise.all([
    resolve('redis'),
    resolve('kafka'),
    resolve('postgres'),
  ]);
  return { redis, kafka, postgres };
}
