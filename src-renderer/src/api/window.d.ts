import type { SluiceBridge } from '@shared/contract';

declare global {
  interface Window {
    /** Exposed by the preload in Electron; absent in browser mode. */
    readonly sluice?: SluiceBridge;
  }
}
