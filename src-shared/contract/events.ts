import { z } from 'zod';
import { deadLetterEvents } from './channels/deadletters';

/**
 * Event streams pushed from the core to every window (IPC) or page (browser
 * mode). Payloads are validated before they are sent.
 */
export const events = {
  'environments.changed': z.object({ ids: z.array(z.string()) }),
  'settings.changed': z.object({ keys: z.array(z.string()) }),
  /** A monitor of one environment took a sample: refetch what shows it. */
  'monitoring.sample': z.object({
    environmentId: z.string(),
    server: z.enum(['redis', 'kafka', 'postgres']),
    at: z.string(),
  }),
  /** A polled server went up, down, or changed its cause. */
  'monitoring.health': z.object({
    environmentId: z.string(),
    server: z.enum(['redis', 'kafka', 'postgres']),
    state: z.enum(['starting', 'up', 'down', 'not-configured', 'disabled']),
    since: z.string().nullable(),
    message: z.string().nullable(),
  }),
  /** Alerts opened, acknowledged or resolved. */
  'monitoring.alerts': z.object({
    environmentId: z.string(),
    alertIds: z.array(z.string()),
    openCount: z.number().int(),
  }),
  /** The monitoring configuration of an environment was saved or removed. */
  'monitoring.config': z.object({ environmentId: z.string() }),
  ...deadLetterEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
