import type { Host } from '../../../src-main/core/host';
import { startTestCore as startCore, type TestCore as Core } from '../../support/testCore';
import { MemoryCluster } from '../kafkaGroups/memoryCluster';

export const TEST_OPERATOR = { osUser: 'ada', hostName: 'test-host' };

/** The one test core, with the in-memory Kafka its group pages and offset resets see. */
export type TestCore = Core & { kafka: MemoryCluster };

/**
 * Unit tests' core: no servers (Kafka groups in memory), and the secret store
 * of Linux without a keyring, so saving a password needs consent and
 * environments.save has a real denial to audit.
 */
export async function startTestCore(
  hostOverrides: Partial<Pick<Host, 'chooseSavePath'>> = {},
): Promise<TestCore> {
  const kafka = new MemoryCluster();
  const core = await startCore({
    operator: TEST_OPERATOR,
    secrets: 'basic-text',
    kafkaGroupAdmin: kafka.factory,
    ...(hostOverrides.chooseSavePath ? { chooseSavePath: hostOverrides.chooseSavePath } : {}),
  });
  return Object.assign(core, { kafka });
}
