import { AclOperationTypes, AclPermissionTypes, AclResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type ApacheKafkaCluster } from '../../../sandbox/servers';
import {
  GroupOffsetsError,
  KafkaOffsetsClient,
  type SentRequest,
} from '../../../src-main/core/monitoring/kafka/kafkaOffsetsClient';
import { waitFor } from './harness';
import {
  LITERAL,
  ORDERS,
  TIMEOUT_MS,
  groupName,
  ordersOnly,
  produce,
  seed,
  withMessages,
  committedOf,
} from './manyGroupsSupport';

describe('group authorization, per group', () => {
  const MONITOR = { name: 'monitor', password: 'monitor-secret' };
  let cluster: ApacheKafkaCluster;

  beforeAll(async () => {
    cluster = await startKafka({
      authorizer: true,
      scramUsers: [MONITOR],
      topics: [{ name: ORDERS.name, partitions: ORDERS.partitions }],
    });
    await produce(cluster.brokers, ORDERS);
    await seed(cluster.brokers, [0, 1, 2], [ORDERS.name]);
    const admin = cluster.admin();
    await admin.connect();
    const allow = (resourceType: AclResourceTypes, resourceName: string, pattern: number) => ({
      resourceType,
      resourceName,
      resourcePatternType: pattern,
      principal: `User:${MONITOR.name}`,
      host: '*',
      operation: AclOperationTypes.DESCRIBE,
      permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({
      acl: [
        allow(AclResourceTypes.TOPIC, ORDERS.name, LITERAL),
        allow(AclResourceTypes.GROUP, groupName(0), LITERAL),
        allow(AclResourceTypes.GROUP, groupName(1), LITERAL),
      ],
    });
    await admin.disconnect();
  });

  afterAll(async () => cluster?.stop());

  it("GROUP_AUTHORIZATION_FAILED is that group's error, in words, from FindCoordinator and from OffsetFetch; the other groups are read", async () => {
    const client = new KafkaOffsetsClient(
      {
        brokers: cluster.saslBrokers,
        clientId: 'many-auth',
        ssl: false,
        sslRejectUnauthorized: true,
        sasl: { mechanism: 'scram-sha-512', username: MONITOR.name, password: MONITOR.password },
      },
      TIMEOUT_MS,
    );
    const sent: SentRequest[] = [];
    client.onRequest((request) => sent.push(request));
    const asked = [0, 1, 2].map((i) => ({ groupId: groupName(i), topics: 'all' as const }));
    try {
      // ACLs reach the broker through the metadata log: wait until both allowed groups read.
      const first = await waitFor(
        'the ACLs to apply',
        () => client.committedOffsetsOfGroups(asked).then(withMessages),
        (results) => results[0]!.error === null && results[1]!.error === null,
        15_000,
        250,
      );
      for (const i of [0, 1]) expect(committedOf(first[i]!)).toEqual(ordersOnly(i));
      // Group 2 has no ACL: FindCoordinator already refuses it.
      const denied = first[2]!.error;
      expect(denied).toBeInstanceOf(GroupOffsetsError);
      expect((denied as GroupOffsetsError).code).toBe(30);
      expect((denied as Error).message).toBe(
        `not allowed as user monitor to read the offsets of group ${groupName(2)} (GROUP_AUTHORIZATION_FAILED): the DESCRIBE permission on the group is missing`,
      );

      // Group 1's ACL is removed after its coordinator was found: now OffsetFetch refuses it.
      const admin = cluster.admin();
      await admin.connect();
      await admin.deleteAcls({
        filters: [
          {
            resourceType: AclResourceTypes.GROUP,
            resourceName: groupName(1),
            resourcePatternType: LITERAL,
            principal: `User:${MONITOR.name}`,
            host: '*',
            operation: AclOperationTypes.DESCRIBE,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      });
      await admin.disconnect();
      const readOnly = asked.slice(0, 2);
      const revoked = await waitFor(
        'the revoked ACL to apply',
        async () => {
          sent.length = 0;
          return client.committedOffsetsOfGroups(readOnly);
        },
        (results) => results[1]!.error !== null,
        15_000,
        250,
      );
      expect(sent.map((r) => r.apiName)).toEqual(['OffsetFetch']);
      expect((revoked[1]!.error as GroupOffsetsError).code).toBe(30);
      expect(revoked[0]!.error).toBeNull();
      expect(committedOf(revoked[0]!)).toEqual(ordersOnly(0));
    } finally {
      await client.disconnect();
    }
  });
});
