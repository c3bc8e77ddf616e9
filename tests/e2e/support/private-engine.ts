// An e2e app on an engine of its own: a private dockerd (own socket, data root and bridge) with the
// test image, `wakedock serve` pointed at it through DOCKER_HOST, and Chromium on the app — for tests
// that stop and start the engine while other tests keep theirs. Registers its own beforeAll/afterAll
// (stopping and removing the daemon even when a test failed half-way); use it at the top of a file.
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { disposePrivateDaemon, ensureTestImage, privateDaemon, privateDaemonDir, startDockerd, type PrivateDaemon } from '../../support/docker-fixtures';
import { startApp, type App, type ServeProcess } from './harness';

export interface PrivateEngineApp {
  readonly daemon: PrivateDaemon;
  /** Set once beforeAll has run. */
  readonly serve: ServeProcess;
  readonly page: Page;
}

export function privateEngineApp(area: string): PrivateEngineApp {
  const daemon = privateDaemon(privateDaemonDir(area));
  let app: App | undefined;
  beforeAll(async () => {
    await startDockerd(daemon);
    await ensureTestImage({ socket: daemon.socket });
    app = await startApp({ env: { DOCKER_HOST: `unix://${daemon.socket}` } });
  });
  afterAll(async () => {
    await app?.close();
    await disposePrivateDaemon(daemon);
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`privateEngineApp: ${what} is not started (used outside a test?)`);
    return v;
  };
  return {
    daemon,
    get serve() {
      return ready(app, 'serve').serve;
    },
    get page() {
      return ready(app, 'the page').page;
    },
  };
}
