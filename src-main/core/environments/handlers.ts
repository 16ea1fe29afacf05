import type { ConnectionTestResult } from '../../../src-preload/contract';
import type { HandlersFor } from '../rpc/dispatcher';
import type { ConnectorRegistry } from '../connectors/registry';
import { resolveConnectionConfig } from './connectionConfig';
import type { EnvironmentService } from './service';

/** How long "Test connection" waits for a server before calling it a timeout. */
export const CONNECTION_TEST_TIMEOUT_MS = 5000;

export function environmentHandlers(
  environments: EnvironmentService,
  connectors: ConnectorRegistry,
): HandlersFor<
  | 'environments.list'
  | 'environments.get'
  | 'environments.save'
  | 'environments.remove'
  | 'environments.testConnection'
> {
  return {
    'environments.list': async () => environments.list(),
    'environments.get': async ({ id }) => environments.get(id),
    'environments.save': async ({ environment, acceptUnencryptedSecrets }) =>
      environments.save(environment, acceptUnencryptedSecrets),
    'environments.remove': async ({ id }) => {
      await environments.remove(id);
      await connectors.closeEnvironment(id);
      return { removed: true as const };
    },
    'environments.testConnection': async ({
      service,
      environment,
    }): Promise<ConnectionTestResult> => {
      const resolved = await resolveConnectionConfig(environments, environment, service);
      if (resolved === null) {
        return {
          ok: false,
          service,
          cause: 'not-configured',
          message: `no ${service} connection is configured for this environment`,
          elapsedMs: 0,
        };
      }
      return connectors.testOnce(resolved, CONNECTION_TEST_TIMEOUT_MS);
    },
  };
}
