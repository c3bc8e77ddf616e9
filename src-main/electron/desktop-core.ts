// The desktop shell's core, without Electron: what src-main/main.ts starts when the app is ready and
// stops (awaited) before it exits. No `electron` import here, so the wiring is tested under Node
// (tests/unit/electron/desktop-core.test.ts, tests/integration/wake/wake-desktop.test.ts); main.ts
// hands in what only Electron has (the save dialog, the OS key store, the paths).
//
// Wake on demand runs here exactly as in `wakedock serve`: the same core service
// (`core.services.wake`, started with the core, disposed with it: Caddy stopped), the waker served
// by the same loopback HTTP edge (`serveWakerOnEdge`), and no proxy options of its own, so the
// stored proxy setting (Settings → Proxy: ports, HTTPS through Caddy's local CA, ACME) decides, as in
// serve when no --wake-* flag fixes a field.
import { createCore, type Core, type CoreOptions } from '../core/create-core';
import { mapEngineError } from '../core/engine/engine-errors';
import type { WakeOptions } from '../core/wake/wake-manager';
import type { SecretBox } from '../core/store/secret-box';
import { serveWakerOnEdge } from '../edge/waker-edge';
import { RpcServer, type Logger } from '../rpc/dispatcher';

export interface DesktopCoreOptions {
  /** Electron's userData. */
  dataDir: string;
  appVersion: string;
  logger: Logger;
  /** Ask the user where to save a file (Electron's dialog). */
  saveDialog?: (suggestedName: string) => Promise<string | null>;
  /** The OS key store (Electron's safeStorage); absent: the store's owner-only key file. */
  secrets?: SecretBox;
  /** Tests: the engine to use, and wake knobs (the caddy binary, timings). Never proxy choices in the app. */
  test?: Pick<CoreOptions, 'discovery'> & { wake?: Omit<WakeOptions, 'serveWaker'> };
}

export interface DesktopCore {
  core: Core;
  rpc: RpcServer;
  /** Closes every IPC call and stream, then disposes the core (the wake service stops Caddy, then the waker's edge). */
  stop(): Promise<void>;
}

/** The options the desktop app creates its core with. */
export function desktopCoreOptions(o: DesktopCoreOptions): CoreOptions {
  return {
    dataDir: o.dataDir,
    mode: 'desktop',
    appVersion: o.appVersion,
    logger: o.logger,
    hostTerminal: true,
    wake: { ...o.test?.wake, serveWaker: serveWakerOnEdge({ logger: o.logger }) },
    ...(o.saveDialog ? { saveDialog: o.saveDialog } : {}),
    ...(o.secrets ? { secrets: o.secrets } : {}),
    ...(o.test?.discovery ? { discovery: o.test.discovery } : {}),
  };
}

export async function startDesktopCore(o: DesktopCoreOptions): Promise<DesktopCore> {
  const core = await createCore(desktopCoreOptions(o));
  const rpc = new RpcServer(core.handlers, { mapError: mapEngineError, logger: o.logger });
  let stopping: Promise<void> | null = null;
  return {
    core,
    rpc,
    stop: () =>
      (stopping ??= (async () => {
        rpc.closeAll();
        await core.dispose();
      })()),
  };
}
