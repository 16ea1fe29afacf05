import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { Session, WebContents } from 'electron';
import { createLogger, type Logger } from '@shared/log/logger';

/** A logger that keeps its (already redacted) lines for assertions. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger((line) => lines.push(line), 'debug'), lines };
}

export interface FakeNavigationEvent {
  url: string;
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function navigationEvent(url: string): FakeNavigationEvent {
  return {
    url,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type WindowOpenHandler = (details: { url: string }) => { action: string };

/** The parts of WebContents the shell touches, with real event emission. */
export class FakeWebContents extends EventEmitter {
  url = '';
  destroyed = false;
  windowOpenHandler: WindowOpenHandler | undefined;
  readonly send = vi.fn();

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  asWebContents(): WebContents {
    return this as unknown as WebContents;
  }
}

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: unknown,
) => void;
type PermissionCheckHandler = (
  contents: unknown,
  permission: string,
  origin: string,
  details: unknown,
) => boolean;
type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
) => void;

export class FakeSession {
  requestHandler: PermissionRequestHandler | undefined;
  checkHandler: PermissionCheckHandler | undefined;
  deviceHandler: ((details: unknown) => boolean) | undefined;
  headers: { filter: { urls: string[] }; listener: HeadersListener } | undefined;

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.checkHandler = handler;
  }
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void {
    this.deviceHandler = handler;
  }
  readonly webRequest = {
    onHeadersReceived: (filter: { urls: string[] }, listener: HeadersListener): void => {
      this.headers = { filter, listener };
    },
  };
  asSession(): Session {
    return this as unknown as Session;
  }
}
