import { join } from 'node:path';
import { createCore, type Core } from '../../../src-main/core/app';
import type { AuditRow } from '../../../src-main/core/audit/record';
import type { Host } from '../../../src-main/core/host';
import { silentLogger } from '@shared/log/logger';
import { createEncryptedSecretStore, type SecretCipher } from '../../../src-main/core/secrets';
import { makeTempDir } from '../../support/tempDir';
import { MemoryCluster } from '../kafkaGroups/memoryCluster';

/**
 * Linux without a keyring: safeStorage's basic_text backend. Saving a password
 * needs the operator's consent, which gives environments.save a real denial.
 */
const basicText: SecretCipher = {
  backend: 'electron-safeStorage:basic_text',
  encrypted: false,
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (data) => Buffer.from(data).reverse().toString('utf8'),
};

export const TEST_OPERATOR = { osUser: 'ada', hostName: 'test-host' };

export interface TestCore {
  core: Core;
  dir: string;
  /** The Kafka that group pages and offset resets of this core see. */
  kafka: MemoryCluster;
  /** Every audit record, oldest first. */
  records(): AuditRow[];
  cleanup(): Promise<void>;
}

export async function startTestCore(
  hostOverrides: Partial<Pick<Host, 'chooseSavePath'>> = {},
): Promise<TestCore> {
  const temp = makeTempDir('sluice-audit-core-');
  const host: Host = {
    mode: 'browser',
    dataDir: temp.dir,
    appVersion: '0.0.0-test',
    secrets: createEncryptedSecretStore(join(temp.dir, 'secrets.bin'), basicText),
    logger: silentLogger,
    operator: () => TEST_OPERATOR,
    notify: () => undefined,
    ...hostOverrides,
  };
  // No default runbooks: the store starts empty.
  const kafka = new MemoryCluster();
  const core = await createCore(host, {
    resourcesDir: join(temp.dir, 'no-resources'),
    kafkaGroupAdmin: kafka.factory,
  });
  return {
    core,
    dir: temp.dir,
    kafka,
    records: () => core.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[],
    async cleanup() {
      await core.close();
      temp.cleanup();
    },
  };
}
