// Terminal floods over a REAL WebSocket: `seq` in a container shell floods the exec's tty while the
// browser stops reading (its socket paused). The server must hold the exec's output (the process
// blocks on its tty) instead of queueing the flood: the bytes queued on the server's side of the
// connection stay within a few high-water marks (4 MiB). When the client reads again, every number
// arrives, in order.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient, type ProcOutput } from '../../../src-main/contract';
import { cleanupTestContainers, ensureTestImage, runContainer, sleep, waitFor } from '../../support/docker-fixtures';
import { sampleQueueUntilStill } from '../../support/queue-sampler';
import { openWsPort } from '../../support/rpc-harness';
import { startServeHarness, type ServeHarness } from '../../support/serve-harness';

const AREA = 'termbp';
const PREFIX = `wdtest-${AREA}-`;
const N = 1_500_000;
const HIGH_WATER = 4 * 1024 * 1024;
type Ev = ProcOutput<'terminal.attach'>;

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

describe('terminal output over a WebSocket with a client that stops reading', () => {
  it('holds the process while the client is behind, then delivers every line in order', async () => {
    const c = await runContainer({ area: AREA });
    const { port, ws } = await openWsPort(serve.rpcUrl);
    const client = new RpcClient(port);
    const clientSocket = (ws as unknown as { _socket: Socket })._socket;
    const { sessionId } = (await client.call('terminal.open', { target: 'container', hostId: 'local', id: c.name, cols: 120, rows: 40 })) as ProcOutput<'terminal.open'>;
    let out = '';
    client.subscribe('terminal.attach', { sessionId }, {
      next: (ev) => {
        const e = ev as Ev;
        if (e.type === 'output' || e.type === 'replay') out += e.data;
      },
    });
    await waitFor('the shell to print its prompt', () => out.length > 0, { timeoutMs: 10_000 });
    await sleep(300);
    await client.call('terminal.write', { sessionId, data: `seq 1 ${N}\r` });
    await waitFor('the flood to start', () => out.includes('\n1000\r\n'), { timeoutMs: 10_000 });
    clientSocket.pause();
    const { still, peak, samples, elapsedMs } = await sampleQueueUntilStill(queuedOnServer, { tolerance: 512 * 1024, minPeak: HIGH_WATER / 2 });
    expect(still, `the server's queue kept moving: last samples ${samples.slice(-5).join(', ')}`).toBe(true); // the exec is held
    expect(peak).toBeGreaterThan(HIGH_WATER / 2); // the client really was behind
    expect(peak).toBeLessThan(3 * HIGH_WATER);
    console.log(`terminal backpressure over ws: server queue peak ${(peak / 2 ** 20).toFixed(2)} MiB (high-water 4 MiB) while the client was paused ${(elapsedMs / 1000).toFixed(1)} s`);

    clientSocket.resume();
    await waitFor(`seq to finish (${N})`, () => out.includes(`\n${N}\r\n`), { timeoutMs: 120_000, intervalMs: 100 });
    const nums = out
      .split('\r\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    expect(nums.length).toBe(N);
    let firstBad = -1;
    for (let i = 0; i < nums.length && firstBad < 0; i++) if (nums[i] !== i + 1) firstBad = i;
    expect(firstBad).toBe(-1);
    await client.call('terminal.close', { sessionId });
    ws.close();
  }, 200_000);
});
