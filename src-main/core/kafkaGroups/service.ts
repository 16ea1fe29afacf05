import {
  KAFKA_CATALOG_LIMIT,
  SluiceError,
  type ErrorCode,
  type GroupDescription,
  type KafkaCatalog,
  type GroupMember,
  type OffsetResetPreview,
  type OffsetResetResult,
  type OffsetResetTarget,
} from '@shared/contract';
import type { AuditScope } from '../audit/scope';
import { classifyConnectionError } from '../connectors/classify';
import { scrubSecrets } from '../connectors/failures';
import type { KafkaConnectionConfig } from '../connectors/types';
import type { EnvironmentRecord } from '../environments/repository';
import type { EnvironmentService } from '../environments/service';
import { resolveMonitorConnections } from '../monitoring/connections';
import {
  GroupAdmin,
  GroupNotEmptyError,
  type GroupAdminFactory,
  type GroupAdminPort,
  type GroupSnapshot,
} from './groupAdmin';
import { kafkaErrorType } from './kafkaErrors';
import { planReset, type PartitionPosition, type ResetPlan } from './resetPlan';

/** Each admin call is bounded; an operator waits for the answer. */
const KAFKA_TIMEOUT_MS = 10_000;

/**
 * The whole catalog (metadata, two ListOffsets per broker, ListGroups per
 * broker, with the admin's retries) is bounded too: a picker that waits
 * longer than this is worse than a plain text field.
 */
const CATALOG_DEADLINE_MS = 20_000;

export interface ResetRequest {
  environmentId: string;
  groupId: string;
  topic: string | null;
  partitions: number[] | null;
  target: OffsetResetTarget;
}

/** Kafka's authorisation errors, in words. */
const NOT_AUTHORISED: Record<string, string> = {
  GROUP_AUTHORIZATION_FAILED: 'the consumer group',
  TOPIC_AUTHORIZATION_FAILED: 'the topic',
  CLUSTER_AUTHORIZATION_FAILED: 'the cluster',
};

function describeMembers(members: readonly GroupMember[]): string {
  const shown = members
    .slice(0, 5)
    .map((m) => `${m.clientId || m.memberId} on ${m.host}`)
    .join(', ');
  return members.length > 5 ? `${shown} and ${members.length - 5} more` : shown;
}

export function membersRefusal(groupId: string, members: readonly GroupMember[]): string {
  return (
    `group "${groupId}" has ${members.length} member${members.length === 1 ? '' : 's'} ` +
    `(${describeMembers(members)}): Kafka accepts new offsets only while no consumer is in ` +
    'the group; stop its consumers first'
  );
}

interface Prepared {
  environment: EnvironmentRecord;
  group: GroupSnapshot;
  plan: ResetPlan;
}

/**
 * Consumer groups as the coordinator sees them, and offset resets. Reads go
 * to the cluster on every call (a group page polls while it is open); a
 * reset is planned again from fresh offsets when it is applied, so what is
 * committed is what the preview would show at that moment.
 */
export class KafkaGroupService {
  constructor(
    private readonly environments: EnvironmentService,
    private readonly openAdmin: GroupAdminFactory = (config, timeoutMs) =>
      new GroupAdmin(config, timeoutMs),
  ) {}

  private async connection(
    environmentId: string,
  ): Promise<{ environment: EnvironmentRecord; config: KafkaConnectionConfig }> {
    const environment = this.environments.require(environmentId);
    const resolved = (await resolveMonitorConnections(this.environments, environment)).kafka;
    if (resolved.config === null) {
      throw new SluiceError(
        'INVALID_INPUT',
        `environment "${environment.name}": ${resolved.reason}`,
      );
    }
    return { environment, config: resolved.config };
  }

  /** Runs one operation on a fresh admin client; Kafka errors become SluiceErrors in words. */
  private async withAdmin<T>(
    config: KafkaConnectionConfig,
    what: string,
    run: (admin: GroupAdminPort) => Promise<T>,
  ): Promise<T> {
    const admin = this.openAdmin(config, KAFKA_TIMEOUT_MS);
    try {
      await admin.connect();
      return await run(admin);
    } catch (error) {
      throw this.toSluiceError(error, config, what);
    } finally {
      await admin.close();
    }
  }

  private toSluiceError(error: unknown, config: KafkaConnectionConfig, what: string): unknown {
    if (error instanceof SluiceError) return error;
    // kafkajs's retrier wraps the broker's error: look through the chain.
    const type = kafkaErrorType(error);
    const user = config.sasl?.username ?? null;
    if (type !== undefined && type in NOT_AUTHORISED) {
      return new SluiceError(
        'DENIED',
        `the broker refused ${what}: ${user ? `user "${user}"` : 'this client'} is not ` +
          `authorised on ${NOT_AUTHORISED[type]} (${type})`,
        { reason: 'kafka-acl', kafkaError: type },
      );
    }
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION') {
      return new SluiceError('INVALID_INPUT', `${what}: the topic does not exist on this cluster`);
    }
    const { cause, message } = classifyConnectionError(error, {
      service: 'kafka',
      target: config.brokers.join(', '),
      user,
      tls: config.ssl,
      timeoutMs: KAFKA_TIMEOUT_MS,
    });
    const code: ErrorCode =
      cause === 'auth' ? 'AUTH_FAILED' : cause === 'timeout' ? 'TIMEOUT' : 'UNAVAILABLE';
    return new SluiceError(code, `${what}: ${scrubSecrets(message, [config.sasl?.password])}`, {
      cause,
    });
  }

  async describe(environmentId: string, groupId: string): Promise<GroupDescription> {
    const { config } = await this.connection(environmentId);
    return this.withAdmin(config, `describing group "${groupId}"`, async (admin) => {
      const [group, committed] = await Promise.all([
        admin.describe(groupId),
        admin.committed(groupId),
      ]);
      if (group.state === 'Dead' && committed.size === 0) {
        throw new SluiceError('NOT_FOUND', `the cluster knows no consumer group "${groupId}"`);
      }
      const owner = new Map<string, string>();
      for (const member of group.members) {
        for (const { topic, partitions } of member.assignment) {
          for (const partition of partitions) owner.set(`${topic}/${partition}`, member.memberId);
        }
      }
      const topics = new Set([
        ...committed.keys(),
        ...group.members.flatMap((m) => m.assignment.map((a) => a.topic)),
      ]);
      const offsets: GroupDescription['offsets'] = [];
      for (const topic of [...topics].sort()) {
        const marks = await admin.watermarks(topic);
        for (const { partition, low, high } of marks) {
          const at = committed.get(topic)?.get(partition) ?? null;
          offsets.push({
            topic,
            partition,
            committed: at,
            logStart: low,
            logEnd: high,
            lag: at === null ? null : Math.max(0, high - at),
            memberId: owner.get(`${topic}/${partition}`) ?? null,
          });
        }
      }
      return { ...group, offsets, describedAt: new Date().toISOString() };
    });
  }

  /**
   * The cluster's topics (partition counts, records held, internal or not)
   * and groups, for the pickers of the source and monitoring forms. User
   * topics come first so Kafka's own never take the places of theirs; each
   * list is cut at KAFKA_CATALOG_LIMIT and says so, and sizes are asked only
   * for the topics listed.
   */
  async catalog(environmentId: string): Promise<KafkaCatalog> {
    const { environment, config } = await this.connection(environmentId);
    const what = `listing the topics and groups of "${environment.name}"`;
    return this.withAdmin(config, what, async (admin) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new SluiceError(
                'TIMEOUT',
                `${what}: the cluster did not answer within ${CATALOG_DEADLINE_MS / 1000} s`,
                { cause: 'timeout' },
              ),
            ),
          CATALOG_DEADLINE_MS,
        );
      });
      const list = async (): Promise<KafkaCatalog> => {
        const [topics, groups] = await Promise.all([admin.listTopics(), admin.listGroups()]);
        const ordered = [...topics].sort(
          (a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name),
        );
        const listed = ordered.slice(0, KAFKA_CATALOG_LIMIT);
        const records = await admin.topicRecords(listed.map((t) => t.name));
        const orderedGroups = [...groups].sort((a, b) => a.groupId.localeCompare(b.groupId));
        return {
          topics: listed.map((t) => ({ ...t, records: records.get(t.name) ?? null })),
          groups: orderedGroups.slice(0, KAFKA_CATALOG_LIMIT),
          totals: { topics: topics.length, groups: groups.length },
          truncated: {
            topics: topics.length > KAFKA_CATALOG_LIMIT,
            groups: groups.length > KAFKA_CATALOG_LIMIT,
          },
          listedAt: new Date().toISOString(),
        };
      };
      try {
        return await Promise.race([list(), deadline]);
      } finally {
        clearTimeout(timer);
      }
    });
  }

  private async prepare(request: ResetRequest, admin: GroupAdminPort) {
    const [group, committed] = await Promise.all([
      admin.describe(request.groupId),
      admin.committed(request.groupId),
    ]);
    const topics = request.topic !== null ? [request.topic] : [...committed.keys()].sort();
    if (topics.length === 0) {
      throw new SluiceError(
        'INVALID_INPUT',
        `group "${request.groupId}" has committed no offsets: choose the topic to reset`,
      );
    }
    const timestamp = request.target.kind === 'timestamp' ? request.target.timestamp : null;
    const positions: PartitionPosition[] = [];
    for (const topic of topics) {
      const found = await admin.positions(
        topic,
        committed.get(topic),
        request.partitions,
        timestamp,
      );
      if (found.unknown.length > 0) {
        throw new SluiceError(
          'INVALID_INPUT',
          `topic "${topic}" has no partition ${found.unknown.join(', ')} ` +
            `(it has ${found.partitionCount}, numbered from 0)`,
        );
      }
      positions.push(...found.positions);
    }
    return { group, plan: planReset(request.target, positions) };
  }

  async previewReset(request: ResetRequest): Promise<OffsetResetPreview> {
    const { environment, config } = await this.connection(request.environmentId);
    return this.withAdmin(config, `previewing the reset of "${request.groupId}"`, async (admin) => {
      const { group, plan } = await this.prepare(request, admin);
      return {
        groupId: request.groupId,
        state: group.state,
        members: group.members,
        rows: plan.rows,
        refusal: this.refusal({ environment, group, plan }),
        confirmationRequired: environment.production,
      };
    });
  }

  private refusal({ environment, group, plan }: Prepared): string | null {
    if (environment.readOnly) return `environment "${environment.name}" is read-only`;
    if (group.members.length > 0) return membersRefusal(group.groupId, group.members);
    if (plan.problems.length > 0) return plan.problems.join('; ');
    if (plan.rows.length === 0) return 'no partition to reset';
    return null;
  }

  /**
   * Applies a reset. The dispatcher has refused it already where the
   * contract says so (read-only; production without the typed name).
   */
  async reset(request: ResetRequest, audit: AuditScope): Promise<OffsetResetResult> {
    const { config } = await this.connection(request.environmentId);
    return this.withAdmin(
      config,
      `resetting the offsets of "${request.groupId}"`,
      async (admin) => {
        const { group, plan } = await this.prepare(request, admin);
        if (group.members.length > 0) {
          throw new SluiceError('CONFLICT', membersRefusal(group.groupId, group.members), {
            reason: 'group-has-members',
            members: group.members,
          });
        }
        if (plan.problems.length > 0)
          throw new SluiceError('INVALID_INPUT', plan.problems.join('; '));
        if (plan.rows.length === 0) throw new SluiceError('INVALID_INPUT', 'no partition to reset');
        audit.before({
          offsets: plan.rows.map((r) => ({
            topic: r.topic,
            partition: r.partition,
            offset: r.current,
          })),
        });
        try {
          await admin.commit(
            request.groupId,
            plan.rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.next })),
          );
        } catch (error) {
          if (!(error instanceof GroupNotEmptyError)) throw error;
          // A consumer joined between the check and the commit.
          const now = await admin.describe(request.groupId);
          throw new SluiceError('CONFLICT', membersRefusal(request.groupId, now.members), {
            reason: 'group-has-members',
            members: now.members,
          });
        }
        // What the coordinator holds now, not what was asked for.
        const committed = await admin.committed(request.groupId);
        const rows = plan.rows.map((r) => ({
          topic: r.topic,
          partition: r.partition,
          before: r.current,
          after: committed.get(r.topic)?.get(r.partition) ?? r.next,
        }));
        audit.after({
          offsets: rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.after })),
        });
        return { groupId: request.groupId, rows };
      },
    );
  }
}
