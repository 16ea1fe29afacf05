import { resolveConnections, type EnvironmentAccess } from '../clients/credentials';
import type { MonitorConnections } from './environmentMonitor';

/**
 * Each server's connection settings with their passwords from the secret
 * store, or why a server has none (not configured, a password missing):
 * the client factory's one resolution, from the stored record.
 */
export async function resolveMonitorConnections(
  environments: EnvironmentAccess,
  environment: { id: string },
): Promise<MonitorConnections> {
  return resolveConnections(environments, environments.require(environment.id));
}
