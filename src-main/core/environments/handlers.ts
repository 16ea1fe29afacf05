import { SluiceError, type ConnectionTestResult, type EnvironmentView } from '@shared/contract';
import type { HandlersFor } from '../rpc/dispatcher';
import type { SubjectResolvers } from '../rpc/guards';
import type { ConnectorRegistry } from '../connectors/registry';
import { resolveConnectionConfig } from './connectionConfig';
import type { EnvironmentService } from './service';

/** How long "Test connection" waits for a server before calling it a timeout. */
export const CONNECTION_TEST_TIMEOUT_MS = 5000;

/** The current view of an environment, or null when there is none with that id. */
async function findView(
  environments: EnvironmentService,
  id: string | undefined,
): Promise<EnvironmentView | null> {
  if (!id) return null;
  try {
    return await environments.get(id);
  } catch (error) {
    if (error instanceof SluiceError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** Calls that act in an environment named by id (NOT_FOUND when there is none). */
export function environmentSubjects(
  environments: EnvironmentService,
): Pick<SubjectResolvers, 'environment'> {
  return {
    environment: ({ environmentId }) => ({ environment: environments.require(environmentId) }),
  };
}

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
    'environments.save': async ({ environment, acceptUnencryptedSecrets }, ctx) => {
      // Views are masked already: the audit record never sees a password.
      const before = await findView(environments, environment.id);
      if (before) {
        ctx.audit.environment(before);
        ctx.audit.before(before);
      }
      try {
        const saved = await environments.save(environment, acceptUnencryptedSecrets);
        ctx.audit.environment(saved);
        ctx.audit.targets([{ type: 'environment', id: saved.id, name: saved.name }]);
        ctx.audit.after(saved);
        return saved;
      } catch (error) {
        ctx.audit.targets([
          { type: 'environment', id: environment.id ?? '', name: environment.name },
        ]);
        throw error;
      }
    },
    'environments.remove': async ({ id }, ctx) => {
      const before = await findView(environments, id);
      ctx.audit.targets([{ type: 'environment', id, ...(before ? { name: before.name } : {}) }]);
      if (before) {
        ctx.audit.environment(before);
        ctx.audit.before(before);
      }
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
