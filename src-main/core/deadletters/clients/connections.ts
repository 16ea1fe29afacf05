import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { EnvironmentClients } from '../../clients/environmentClients';

export type { EnvironmentAccess } from '../../clients/credentials';

/**
 * The workbench's clients, one set per environment, from the app's client
 * factory with the dead-letter purpose (long command timeouts, a few quick
 * retries, a Redis connection that reconnects in the background). The
 * factory closes them when their environment changes.
 */
export class DeadLetterConnections {
  constructor(private readonly clients: EnvironmentClients) {}

  redis(environmentId: string): Promise<Redis> {
    return this.clients.redis(environmentId, 'deadletters');
  }

  postgres(environmentId: string): Promise<pg.Pool> {
    return this.clients.postgres(environmentId, 'deadletters');
  }

  kafka(environmentId: string): Promise<Kafka> {
    return this.clients.kafka(environmentId, 'deadletters');
  }

  closeEnvironment(environmentId: string): Promise<void> {
    return this.clients.closeEnvironment(environmentId, 'deadletters');
  }

  closeAll(): Promise<void> {
    return this.clients.closeAll('deadletters');
  }
}
