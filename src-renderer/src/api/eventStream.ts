import { SseParser } from './sseParser';

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 15_000;
/** The core sends heartbeats; a stream silent for this long is treated as dead. */
const IDLE_TIMEOUT_MS = 60_000;

type Listener = (payload: unknown) => void;

function backoffDelay(attempt: number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

/**
 * One shared server-sent-events connection, read with fetch so it can carry the
 * token header (EventSource cannot). It opens when the first listener arrives,
 * closes when the last one leaves, and reconnects with backoff in between.
 */
export class EventStream {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly reconnectListeners = new Set<() => void>();
  private controller: AbortController | null = null;
  private listenerCount = 0;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  subscribe(event: string, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    // Wrap so the same function subscribed twice is also unsubscribed twice.
    const entry: Listener = (payload) => listener(payload);
    set.add(entry);
    this.listenerCount += 1;
    if (this.listenerCount === 1) this.start();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      set.delete(entry);
      this.listenerCount -= 1;
      if (this.listenerCount === 0) this.stop();
    };
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  private start(): void {
    const controller = new AbortController();
    this.controller = controller;
    void this.run(controller.signal);
  }

  private stop(): void {
    this.controller?.abort();
    this.controller = null;
  }

  private async run(stopSignal: AbortSignal): Promise<void> {
    let attempt = 0;
    let everOpened = false;
    while (!stopSignal.aborted) {
      const opened = await this.readOnce(stopSignal, () => {
        attempt = 0;
        if (everOpened) this.notifyReconnect();
        everOpened = true;
      });
      if (stopSignal.aborted) return;
      if (!opened) attempt += 1;
      await sleep(backoffDelay(attempt), stopSignal);
    }
  }

  /** Reads one connection until it ends; resolves whether it was ever open. */
  private async readOnce(stopSignal: AbortSignal, onOpen: () => void): Promise<boolean> {
    const connection = new AbortController();
    const abortConnection = () => connection.abort();
    stopSignal.addEventListener('abort', abortConnection);
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(abortConnection, IDLE_TIMEOUT_MS);
    };
    let opened = false;
    try {
      armIdleTimer();
      const response = await fetch(this.url, {
        headers: { ...this.headers, accept: 'text/event-stream' },
        signal: connection.signal,
        cache: 'no-store',
        credentials: 'omit',
      });
      if (!response.ok || !response.body) return false;
      opened = true;
      onOpen();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armIdleTimer();
        for (const frame of parser.push(value)) this.dispatch(frame.event, frame.data);
      }
    } catch {
      // Network failure, idle timeout or stop: the caller decides whether to retry.
    } finally {
      clearTimeout(idleTimer);
      stopSignal.removeEventListener('abort', abortConnection);
    }
    return opened;
  }

  private dispatch(event: string, data: string): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      console.warn(`ignored an event "${event}" whose data is not JSON`);
      return;
    }
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`a listener of "${event}" failed`, error);
      }
    }
  }

  private notifyReconnect(): void {
    for (const listener of [...this.reconnectListeners]) {
      try {
        listener();
      } catch (error) {
        console.error('a reconnect listener failed', error);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
