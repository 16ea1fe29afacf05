/**
 * Group discovery behind Kafka's standard authorizer. Kafka answers
 * ListGroups with only the groups a login may DESCRIBE, without an error:
 * the monitor keeps watching the configured groups, says which ones the list
 * leaves out and why that may be, and words a refused OffsetFetch per group.
 */
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitoringConfig } from '@shared/contract';
import type { KafkaConnectionConfig } from '../../../src-main/core/connectors/types';
import { KafkaOffsetsClient } from '../../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import {
  GROUP_DISCOVERY_INTERVAL_MS,
  KafkaLagProbe,
} from '../../../src-main/core/monitoring/kafka/kafkaLagProbe';
import { startKafka, type ApacheKafkaCluster } from '../../../sandbox/servers';

const USER = { name: 'lag-monitor', password: 'monitor-Pa55-word' };
const TOPIC = 'orders';
let cluster: ApacheKafkaCluster;

function connection(brokers: string[], sasl: boolean): KafkaConnectionConfig {
  return {
    brokers,
    clientId: 'acl-test',
    ssl: false,
    sslRejectUnauthorized: true,
    sasl: sasl
      ? { mechanism: 'scram-sha-512', username: USER.name, password: USER.password }
      : null,
  };
}

async function grant(resourceType: AclResourceTypes, name: string): Promise<void> {
  const admin = cluster.admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: [
        {
          resourceType,
          resourceName: name,
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal: `User:${USER.name}`,
          host: '*',
          operation: AclOperationTypes.DESCRIBE,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  cluster = (await startKafka({
    brokers: 1,
    topics: [{ name: TOPIC, partitions: 2 }],
    scramUsers: [USER],
    authorizer: true,
  })) as ApacheKafkaCluster;
  // The harness's PLAINTEXT listener is the super user: it commits for every group.
  const committer = new KafkaOffsetsClient(connection(cluster.brokers, false), 10_000);
  try {
    await committer.watchTopics([TOPIC]);
    for (const [groupId, offset] of [
      ['visible', 3],
      ['hidden', 4],
      ['unconfigured', 5],
    ] as const) {
      await committer.commitOffsets(groupId, [
        { topic: TOPIC, partitions: [0, 1].map((partition) => ({ partition, offset })) },
      ]);
    }
  } finally {
    await committer.disconnect();
  }
  await grant(AclResourceTypes.TOPIC, TOPIC);
  await grant(AclResourceTypes.GROUP, 'visible');
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('group discovery when ACLs hide groups', () => {
  it('lists what the login may see, keeps the configured groups, names the one left out and words its refusal; a grant brings it in', async () => {
    let now = Date.now();
    const watch: MonitoringConfig['kafka'] = {
      enabled: true,
      intervalMs: null,
      topics: [TOPIC],
      groups: [
        { groupId: 'visible', topics: [] },
        { groupId: 'hidden', topics: [] },
      ],
      discoverGroups: true,
    };
    const source = new KafkaLagProbe(connection(cluster.saslBrokers, true), watch, {
      timeoutMs: 10_000,
      now: () => now,
    });
    try {
      const sample = await source.poll();
      expect(sample.groupsSource).toBe('broker');
      expect(sample.groupsSourceNote).toBe(
        `the broker's group list leaves out the configured group hidden: user "${USER.name}" ` +
          'may lack DESCRIBE on it (ACLs), or it has not committed yet; watched as configured',
      );
      // The unconfigured group it may not describe is not listed at all.
      expect(sample.groups.map((g) => g.groupId)).toEqual(['visible', 'hidden']);
      const [visible, hidden] = sample.groups;
      expect(visible!.error).toBeNull();
      expect([...visible!.committed.get(TOPIC)!.values()]).toEqual([3, 3]);
      expect(hidden!.error).toMatch(/GROUP_AUTHORIZATION_FAILED/);
      expect(hidden!.error).toContain(USER.name);
      expect(hidden!.committed.size).toBe(0);

      await grant(AclResourceTypes.GROUP, 'hidden');
      now += GROUP_DISCOVERY_INTERVAL_MS + 1000;
      let later = await source.poll();
      // ACLs reach the authorizer's cache asynchronously: allow it a moment.
      for (let i = 0; i < 20 && later.groups[1]!.error !== null; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        now += GROUP_DISCOVERY_INTERVAL_MS + 1000;
        later = await source.poll();
      }
      expect(later.groupsSourceNote).toBeNull();
      expect(later.groups[1]!.error).toBeNull();
      expect([...later.groups[1]!.committed.get(TOPIC)!.values()]).toEqual([4, 4]);
    } finally {
      await source.close();
    }
  });
});
