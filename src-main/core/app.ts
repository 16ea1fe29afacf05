import { join } from 'node:path';
import { AuditLog } from './audit/auditLog';
import { auditHandlers } from './audit/handlers';
import { createAuditRecorder } from './audit/recorder';
import { EnvironmentClients } from './clients/environmentClients';
import { deadLetterHandlers, deadLetterSubjects } from './deadletters/handlers';
import { DeadLetterService } from './deadletters/service';
import { environmentHandlers, environmentSubjects } from './environments/handlers';
import { EnvironmentRepository } from './environments/repository';
import { EnvironmentService } from './environments/service';
import type { GroupAdminFactory } from './kafkaGroups/groupAdmin';
import { kafkaGroupHandlers, kafkaGroupSubjects } from './kafkaGroups/handlers';
import { KafkaGroupService } from './kafkaGroups/service';
import type { Host } from './host';
import { monitoringHandlers, monitoringSubjects } from './monitoring/handlers';
import { MonitoringService, type MonitoringServiceOptions } from './monitoring/service';
import {
  assertHandlersComplete,
  createDispatcher,
  type Dispatch,
  type HandlerContext,
} from './rpc/dispatcher';
import { EventBus } from './rpc/eventBus';
import { runbookHandlers } from './runbooks/handlers';
import { RunbookRepository } from './runbooks/repository';
import { RunbookService } from './runbooks/service';
import { appHandlers } from './settings/handlers';
import { SettingsRepository } from './settings/repository';
import { openStore, type Db } from './store/database';
import { migrations } from './store/migrations';
import type { HandlerMap } from '@shared/contract';

export { StoreOpenError } from './store/storeOpenError';

export interface CoreOptions {
  /** better_sqlite3.node built for the running ABI (Electron); Node's build otherwise. */
  nativeBinding?: string;
  /** Folder of the resources shipped with Sluice (default runbooks); default ./resources. */
  resourcesDir?: string;
  /** How group pages and offset resets reach Kafka; unit tests give an in-memory cluster. */
  kafkaGroupAdmin?: GroupAdminFactory;
  /** Shorter poll backoffs and health checks, so tests see outages and recoveries in seconds. */
  monitoringTimings?: Pick<MonitoringServiceOptions, 'backoff' | 'healthCheckIntervalMs'>;
}

export interface Core {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  /** The open store, for tests and tools that inspect it. */
  readonly db: Db;
  /**
   * The monitoring service, for tests and benchmarks that drive or count a
   * monitor's polls; hosts go through dispatch like every other caller.
   */
  readonly monitoring: MonitoringService;
  close(): Promise<void>;
}

export const STORE_FILE_NAME = 'sluice.db';

/**
 * Builds the whole core for one host: opens the store (throws StoreOpenError
 * with an operator-facing message), wires every domain's handlers into the one
 * typed map both transports use.
 */
export async function createCore(host: Host, options: CoreOptions = {}): Promise<Core> {
  const db = openStore({
    file: join(host.dataDir, STORE_FILE_NAME),
    migrations,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  const events = new EventBus(host.logger);
  const settings = new SettingsRepository(db);
  const environments = new EnvironmentService(new EnvironmentRepository(db), host.secrets, events);
  // The one owner of connections to every environment's servers: it closes an
  // environment's clients when it changes, whichever service opened them.
  const clients = new EnvironmentClients({ environments, events, logger: host.logger });
  // How records name whoever acts: "os user (display name set in Settings)".
  const operatorName = (): string => {
    const displayName = settings.get().displayName;
    const { osUser } = host.operator();
    return displayName ? `${osUser} (${displayName})` : osUser;
  };
  const runbooks = new RunbookService(new RunbookRepository(db), {
    defaultsDir: join(options.resourcesDir ?? join(process.cwd(), 'resources'), 'runbooks'),
    exportsDir: join(host.dataDir, 'exports'),
    author: operatorName,
  });
  runbooks.seedDefaults();

  const audit = new AuditLog(
    db,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  );
  // Who acts: the OS identity from the host and the display name set in Settings.
  const identity = () => ({ ...host.operator(), displayName: settings.get().displayName });

  const monitoring = new MonitoringService({
    db,
    environments,
    events,
    logger: host.logger,
    notify: (title, body) => host.notify(title, body),
    operatorName,
    ...options.monitoringTimings,
  });
  await monitoring.start();

  const deadLetters = new DeadLetterService({
    db,
    environments,
    clients,
    events,
    logger: host.logger,
    operatorName,
  });
  deadLetters.start();

  const handlers: Partial<HandlerMap<HandlerContext>> = {
    ...appHandlers(host, settings, events),
    ...environmentHandlers(environments, clients.connectors),
    ...runbookHandlers(runbooks),
    ...monitoringHandlers(monitoring, environments),
    ...auditHandlers(audit, {
      exportsDir: join(host.dataDir, 'exports'),
      identity,
      ...(host.chooseSavePath ? { chooseSavePath: (name) => host.chooseSavePath!(name) } : {}),
    }),
    ...deadLetterHandlers(deadLetters),
    ...kafkaGroupHandlers(new KafkaGroupService(environments, options.kafkaGroupAdmin)),
  };
  assertHandlersComplete(handlers);
  const dispatch = createDispatcher(
    handlers,
    host.logger,
    createAuditRecorder(audit, identity, host.logger),
    // Where each mutation's environment is found, for the guards the contract declares.
    {
      ...environmentSubjects(environments),
      ...monitoringSubjects(monitoring, environments),
      ...deadLetterSubjects(deadLetters, environments),
      ...kafkaGroupSubjects(environments),
    },
  );

  let closed = false;
  return {
    dispatch,
    events,
    db,
    monitoring,
    async close() {
      if (closed) return;
      closed = true;
      await monitoring.close();
      await deadLetters.close();
      await clients.close();
      db.close();
    },
  };
}
