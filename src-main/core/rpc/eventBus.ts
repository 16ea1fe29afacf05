import { events, type EventName, type EventPayload } from '@shared/contract';
import type { Logger } from '@shared/log/logger';

export type AnyEventListener = (event: EventName, payload: unknown) => void;

/**
 * Core → windows/pages. Transports subscribe with onAny and forward; payloads
 * are validated against the contract before anyone sees them.
 */
export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  constructor(private readonly logger: Logger) {}

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      this.logger.error('event payload breaks the contract', { event });
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(event, checked.data);
      } catch (error) {
        this.logger.error('event listener failed', { event, error });
      }
    }
  }

  onAny(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
