import { z } from 'zod';

/**
 * Event streams pushed from the core to every window (IPC) or page (browser
 * mode). Payloads are validated before they are sent.
 */
export const events = {
  'environments.changed': z.object({ ids: z.array(z.string()) }),
  'settings.changed': z.object({ keys: z.array(z.string()) }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
