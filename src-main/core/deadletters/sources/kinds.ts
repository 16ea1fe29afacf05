import type {
  DeadLetterSourceCapabilities,
  DeadLetterSourceSettings,
  DeadLetterSourceView,
} from '@shared/contract';
import type { DeadLetterConnections } from '../clients/connections';
import type { DeadLetterSource } from '../source';
import type { IndexedSourceDeps } from './indexedSource';
import { KafkaTopicSource } from './kafkaSource';
import { PostgresTableSource } from './postgresSource';
import { RedisListSource } from './redisSource';

/**
 * The one place that maps a source's kind to its adapter; everything outside
 * sources/ works through the DeadLetterSource interface and the capabilities.
 */

/** What each kind of source allows, for the source view (no adapter is built for it). */
export function capabilitiesOf(settings: DeadLetterSourceSettings): DeadLetterSourceCapabilities {
  switch (settings.kind) {
    case 'redis':
      return RedisListSource.capabilitiesFor();
    case 'kafka':
      return KafkaTopicSource.capabilitiesFor();
    case 'postgres':
      return PostgresTableSource.capabilitiesFor();
  }
}

export interface AdapterDeps {
  connections: DeadLetterConnections;
  /** The local index, for the sources read through it (Redis lists, Kafka topics). */
  indexed: IndexedSourceDeps;
}

export function buildAdapter(view: DeadLetterSourceView, deps: AdapterDeps): DeadLetterSource {
  const { connections, indexed } = deps;
  const environmentId = view.environmentId;
  const settings = view.settings;
  switch (settings.kind) {
    case 'redis':
      return new RedisListSource({
        ...indexed,
        settings,
        client: () => connections.redis(environmentId),
      });
    case 'kafka':
      return new KafkaTopicSource({
        ...indexed,
        settings,
        kafka: () => connections.kafka(environmentId),
      });
    case 'postgres':
      return new PostgresTableSource({
        sourceId: view.id,
        settings,
        pool: () => connections.postgres(environmentId),
        redis: () => connections.redis(environmentId),
      });
  }
}
