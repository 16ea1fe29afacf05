/**
 * Audit scenarios for the consumer-group channels, for test/unit/audit's
 * "every mutating channel is audited" suite, on the test core's in-memory
 * cluster.
 */
import type { ChannelName } from '@shared/contract';
import type { TestCore } from '../audit/coreHarness';
import type { MutationScenario } from '../audit/mutationScenario';

let counter = 0;

async function environment(t: TestCore, readOnly = false): Promise<string> {
  counter += 1;
  const result = await t.core.dispatch(
    'environments.save',
    {
      environment: {
        name: `groups-${counter}`,
        colour: '#446622',
        readOnly,
        kafka: { brokers: ['127.0.0.1:1'] },
      },
    },
    { transport: 'internal' },
  );
  if (!result.ok) throw new Error(`environments.save failed: ${result.error.message}`);
  return (result.value as { id: string }).id;
}

function stoppedGroup(t: TestCore): string {
  counter += 1;
  const groupId = `indexer-${counter}`;
  t.kafka.topic('orders', [{ low: 0, high: 10 }]).group(groupId, { orders: [4] });
  return groupId;
}

const sample = {
  environmentId: '5b1e5b43-7a55-4a55-9e0c-3a4a1c1f0d77',
  groupId: 'indexer',
  topic: 'orders',
  target: { kind: 'shift', by: 1 },
};

export const kafkaGroupMutationScenarios: Partial<Record<ChannelName, MutationScenario>> = {
  'kafka.offsets.reset': {
    sample,
    success: async (t) => ({
      input: { ...sample, environmentId: await environment(t), groupId: stoppedGroup(t) },
    }),
    // A group that never committed: there is no topic to reset.
    failure: async (t) => ({
      input: { ...sample, environmentId: await environment(t), groupId: 'never-seen', topic: null },
      code: 'INVALID_INPUT',
    }),
    denial: async (t) => ({
      input: { ...sample, environmentId: await environment(t, true), groupId: stoppedGroup(t) },
    }),
  },
};
