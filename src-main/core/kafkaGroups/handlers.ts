import type { HandlersFor } from '../rpc/dispatcher';
import type { KafkaGroupService } from './service';

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
