// Backpressure over a REAL WebSocket against the real engine: a busybox container writes 2,000,000
// lines, a client follows them through `logs.follow` on the production HTTP/WebSocket server, then
// stops reading (its socket paused, as a frozen or slow browser tab would). The server must stop
// reading the engine instead of queueing the flood for the client: the bytes queued on the server's
// side of the connection stay within a few high-water marks (4 MiB). When the client reads again it
// receives every line, in order, exactly once.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient, type ProcOutput } from '../../../src-main/contract';
import { cleanupTestContainers, docker, ensureTestImage, runContainer, sleep, waitFor } from '../../support/docker-fixtures';
import { sampleQueueUntilStill } from '../../support/queue-sampler';
import { openWsPort } from '../../support/rpc-harness';
import { startServeHarness, type ServeHarness } from '../../support/serve-harness';

const AREA = 'logsbp';
const PREFIX = `wdtest-${AREA}-`;
const LINES = 2_000_000;
const HIGH_WATER = 4 * 1024 * 1024;
type Ev = ProcOutput<'logs.follow'>;

let serve: ServeHarness;

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  serve = await startServeHarness(AREA, 'bp-token');
});

afterAll(async () => {
  await serve?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

const queuedOnServer = (): number => serve.queuedOnServer();

describe('logs.follow over a WebSocket with a client that stops reading', () => {
  it('keeps the server-side queue bounded and then delivers all 2,000,000 lines in order', async () => {
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', `seq 1 ${LINES}; sleep 3600`] });
    const { port, ws } = await openWsPort(serve.rpcUrl);
    const client = new RpcClient(port);
    const clientSocket = (ws as unknown as { _socket: Socket })._socket;

    let received = 0;
    let outOfOrder: string | null = null;
    let error: unknown = null;
    client.subscribe(
      'logs.follow',
      { hostId: 'local', id: c.name, tail: 'all' },
      {
        next: (ev) => {
          const e = ev as Ev;
          if (e.kind !== 'lines') return;
          for (const l of e.lines) {
            const want = String(received + 1);
            if (l.text !== want && !outOfOrder) outOfOrder = `line ${received}: got "${l.text}", want "${want}"`;
            received++;
          }
        },
        error: (e) => (error = e),
      },
    );
    // Let the flow start, then stop reading, as a stuck browser tab does.
    await waitFor('the first lines', () => received > 0, { timeoutMs: 20_000 });
    clientSocket.pause();
    const rss0 = process.memoryUsage().rss;
    let peakRss = rss0;
    const { still, peak: peakQueued, samples, elapsedMs } = await sampleQueueUntilStill(queuedOnServer, {
      tolerance: 256 * 1024,
      minPeak: HIGH_WATER / 2,
      onSample: () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)),
    });
    const receivedWhileStalled = received;
    // The container kept writing meanwhile: the engine holds far more than we queued.
    const engineLines = Number((await docker(['logs', '--tail', '1', c.name])).trim());
    // Stalled: nothing more is taken from the engine, the queue stands still.
    expect(still, `the server's queue kept moving: last samples ${samples.slice(-5).join(', ')}`).toBe(true);
    expect(peakQueued).toBeGreaterThan(HIGH_WATER / 2); // the client really was behind
    expect(peakQueued).toBeLessThan(3 * HIGH_WATER);
    console.log(
      `logs backpressure over ws: client paused ${(elapsedMs / 1000).toFixed(1)} s after ${receivedWhileStalled} lines; engine had ${engineLines} lines; ` +
        `server queue peak ${(peakQueued / 2 ** 20).toFixed(2)} MiB (high-water 4 MiB); RSS +${((peakRss - rss0) / 2 ** 20).toFixed(1)} MiB while stalled`,
    );

    clientSocket.resume();
    const t1 = Date.now();
    await waitFor(`all ${LINES} lines after resuming`, () => received >= LINES || error !== null || outOfOrder !== null, { timeoutMs: 150_000, intervalMs: 100 });
    expect(error).toBeNull();
    expect(outOfOrder).toBeNull();
    await sleep(300);
    expect(received).toBe(LINES);
    console.log(`logs backpressure over ws: the rest arrived in ${((Date.now() - t1) / 1000).toFixed(1)} s, ${received} lines in order`);
    ws.close();
  }, 240_000);
});
