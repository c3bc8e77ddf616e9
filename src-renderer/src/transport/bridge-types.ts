// window.wakedock, exposed by the preload in the Electron app only. The interface is in the
// contract (src-main/contract/bridge.ts), implemented by src-preload/bridge.ts.
import type { WakeDockBridge } from '@contract/bridge';

export type { WakeDockBridge };

declare global {
  interface Window {
    /** Present in the Electron app only; serve mode (browser) uses the WebSocket transport. */
    readonly wakedock?: WakeDockBridge;
  }
}
