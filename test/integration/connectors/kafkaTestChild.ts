/**
 * Runs one Kafka connection test the way environments.testConnection does
 * (testOnce) and prints the result as one line of JSON. For tests that need a
 * process of their own: Node reads NODE_EXTRA_CA_CERTS only when it starts,
 * and that variable is how Sluice is told to trust a private CA.
 *
 * Usage: node --import tsx kafkaTestChild.ts '<KafkaConnectionConfig JSON>' <timeoutMs>
 */
import { testOnce } from '../../../src-main/core/connectors/registry';
import type { KafkaConnectionConfig } from '../../../src-main/core/connectors/types';

const [configJson, timeoutMs] = process.argv.slice(2);
if (!configJson || !timeoutMs)
  throw new Error('usage: kafkaTestChild.ts <config JSON> <timeoutMs>');

void testOnce('kafka', JSON.parse(configJson) as KafkaConnectionConfig, Number(timeoutMs)).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
);
