// A WakeDock core with wake on demand in its own process, for tests that kill it (SIGKILL) in the
// middle of something: `node --import tsx tests/support/wake-core-child.ts`. Env: WD_DATA_DIR,
// WD_WAKE_LISTEN (127.0.0.1:PORT), WD_SERVICE (JSON of a stored service, created when missing).
// Prints one JSON line per change on stdout: {caddyPid, proxy, views}; SIGTERM disposes the core
// (Caddy stopped) and exits 0.
import type { WakeServiceInput } from '../../src-main/contract/wake-service';
import { createCore } from '../../src-main/core/create-core';
import { serveWakerOnEdge } from '../../src-main/edge/waker-edge';
import { silentLogger } from '../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, discoveryFor } from './docker-fixtures';

const dataDir = process.env.WD_DATA_DIR as string;
const listen = process.env.WD_WAKE_LISTEN as string;
const core = await createCore({ dataDir, mode: 'serve', appVersion: 'test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET), wake: { listen, serveWaker: serveWakerOnEdge(), tickMs: 200, pollMs: 300 } });
const wake = core.services.wake;
if (!wake) throw new Error('wake is off');
await wake.ready;
const def = JSON.parse(process.env.WD_SERVICE ?? 'null') as WakeServiceInput | null;
if (def && !wake.controller.has(def.name)) await wake.create(def);
const report = (): void => {
  process.stdout.write(`${JSON.stringify({ caddyPid: wake.supervisor.pid, proxy: wake.proxyStatus(), routed: wake.routedServices(), views: wake.controller.views() })}\n`);
};
wake.onChange(report);
report();
setInterval(report, 500).unref();
process.on('SIGTERM', () => {
  void core.dispose().then(() => process.exit(0));
});
