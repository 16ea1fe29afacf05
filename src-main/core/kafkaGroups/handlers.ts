import type { EnvironmentRecord } from '../environments/repository';
import type { HandlersFor } from '../rpc/dispatcher';
import type { SubjectResolvers } from '../rpc/guards';
import type { KafkaGroupService } from './service';

/** A consumer group is named with the topic a reset is limited to, when it is. */
export function kafkaGroupSubjects(environments: {
  require(id: string): EnvironmentRecord;
}): Pick<SubjectResolvers, 'consumer-group'> {
  return {
    'consumer-group': ({ environmentId, groupId, topic }) => ({
      environment: environments.require(environmentId),
      targets: [
        {
          type: 'kafka-consumer-group',
          id: groupId,
          name: topic === null ? groupId : `${groupId} on ${topic}`,
        },
      ],
    }),
  };
}

export function kafkaGroupHandlers(
  service: KafkaGroupService,
): HandlersFor<
  'kafka.groups.describe' | 'kafka.offsets.previewReset' | 'kafka.offsets.reset' | 'kafka.catalog'
> {
  return {
    'kafka.groups.describe': async ({ environmentId, groupId }) =>
      service.describe(environmentId, groupId),
    'kafka.offsets.previewReset': async (request) => service.previewReset(request),
    'kafka.offsets.reset': async (request, ctx) => service.reset(request, ctx.audit),
    'kafka.catalog': async ({ environmentId }) => service.catalog(environmentId),
  };
}
